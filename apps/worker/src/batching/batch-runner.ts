import { performance } from 'node:perf_hooks';
import type { NewPrediction } from '@sentiment/db/threaded';
import type { Classifier } from '@sentiment/model';
import { predictionId } from '@sentiment/queue';
import type { Logger } from 'pino';
import type { CachedPrediction, ResultCache } from '../result-cache.js';
import type { RowSink } from '../row-sink.js';
import { toResult } from '../rows.js';
import type { Lane } from './batch-scheduler.js';
import type { PendingText } from './pending-text.js';

export interface BatchRunnerDeps {
  /** Runs bulk-lane batches (and interactive ones when there is no interactive classifier). */
  classifier: Pick<Classifier, 'info' | 'predict'>;
  /** Runs interactive-lane batches: threads of their own, at normal priority. */
  interactiveClassifier?: Pick<Classifier, 'predict'>;
  sink: RowSink;
  logger: Logger;
  /** The model's answers are stored here. Unset: no cache. */
  cache?: ResultCache;
  /** false: rows are stored with input_text NULL. */
  storeInputText: boolean;
}

/**
 * Runs what the scheduler hands over: one classifier.predict per batch, then the rows written (and the
 * answers cached) before each caller gets its results. Only the callers with a text in a failed batch fail.
 */
export class BatchRunner {
  /** Batches whose rows are being written. */
  writing = 0;

  constructor(
    private readonly deps: BatchRunnerDeps,
    /** Called when a write ends (the batcher may have become idle). */
    private readonly onWritten: () => void,
  ) {}

  /**
   * Predicts a batch and starts writing its rows; resolves once the model is done with it, so the next
   * batch's inference overlaps this one's flush.
   */
  async predict(batch: PendingText[], lane: Lane): Promise<void> {
    let rows: NewPrediction[];
    try {
      rows = await this.predictRows(batch, lane === 'interactive' ? (this.deps.interactiveClassifier ?? this.deps.classifier) : this.deps.classifier);
    } catch (err) {
      this.fail(batch, err, 'micro-batch prediction failed');
      return;
    }
    // Cached while the rows are written: once the job completes, a repeat of its texts hits.
    const answers = batch.flatMap((p, i) =>
      p.cacheKey ? [{ key: p.cacheKey, prediction: { sentiment: rows[i]!.sentiment, confidence: rows[i]!.confidence } }] : [],
    );
    void this.write(batch, rows, this.deps.cache?.store(answers));
  }

  /** Writes rows (all but shadow runs'), then answers their callers. */
  async write(batch: PendingText[], rows: NewPrediction[], alongside?: Promise<void>): Promise<void> {
    this.writing++;
    try {
      const stored = batch.some((p) => p.shadow) ? rows.filter((_, i) => !batch[i]!.shadow) : rows;
      const written = stored.length > 0 ? this.deps.sink.write(stored, { interactive: batch.some((p) => p.interactive) }) : undefined;
      await Promise.all([written, alongside]);
      this.deliver(batch, rows);
    } catch (err) {
      this.fail(batch, err, 'micro-batch write failed');
    } finally {
      this.writing--;
      this.onWritten();
    }
  }

  toRow(p: PendingText, answer: CachedPrediction, meta: Pick<NewPrediction, 'latencyMs' | 'timestamp' | 'cacheHit'>): NewPrediction {
    return {
      id: predictionId(p.jobId, p.index),
      inputText: this.deps.storeInputText ? p.text : null,
      sentiment: answer.sentiment,
      confidence: answer.confidence,
      modelVersion: this.deps.classifier.info.version,
      jobId: p.jobId,
      itemIndex: p.index,
      ...meta,
    };
  }

  /** One classifier.predict call; its wall time is the latency_ms of every row of the batch. */
  private async predictRows(batch: PendingText[], classifier: Pick<Classifier, 'predict'>): Promise<NewPrediction[]> {
    const started = performance.now();
    const predictions = await classifier.predict(batch.map((p) => p.text));
    if (predictions.length !== batch.length) {
      throw new Error(`classifier returned ${predictions.length} predictions for ${batch.length} texts`);
    }
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    this.deps.logger.debug({ size: batch.length, latencyMs }, 'micro-batch predicted');
    const timestamp = new Date();
    return batch.map((p, i) =>
      this.toRow(p, { sentiment: predictions[i]!.label, confidence: predictions[i]!.confidence }, { latencyMs, timestamp, cacheHit: false }),
    );
  }

  private deliver(batch: PendingText[], rows: NewPrediction[]): void {
    batch.forEach((p, i) => {
      const c = p.caller;
      if (c.settled) return;
      c.results[p.slot] = toResult(rows[i]!);
      if (--c.remaining === 0) {
        c.settled = true;
        c.resolve(c.results);
      }
    });
  }

  private fail(batch: PendingText[], err: unknown, msg: string): void {
    this.deps.logger.error({ err, size: batch.length }, msg);
    for (const { caller } of batch) {
      if (caller.settled) continue;
      caller.settled = true;
      caller.reject(err);
    }
  }
}
