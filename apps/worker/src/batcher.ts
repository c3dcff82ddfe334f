import { performance } from 'node:perf_hooks';
import type { NewPrediction } from '@sentiment/db';
import type { Classifier } from '@sentiment/model';
import { predictionId, type PredictionResult } from '@sentiment/queue';
import type { Logger } from 'pino';
import { Fifo } from './fifo.js';
import type { RowSink } from './row-sink.js';
import { toResult } from './rows.js';

export interface BatcherOptions {
  /** Texts per classifier.predict call. */
  maxBatchSize: number;
  /** While a batch is being predicted, a partial batch is dispatched this long after its first text arrived. */
  maxWaitMs: number;
  /** Batches predicted at once: one per inference thread, so no thread idles while the next fills. */
  maxInflight: number;
  /** false: rows are stored with input_text NULL. */
  storeInputText: boolean;
}

export interface BatcherDeps {
  classifier: Pick<Classifier, 'info' | 'predict'>;
  sink: RowSink;
  logger: Logger;
}

/** A caller's texts: item `i` of `texts` is item `startIndex + i` of job `jobId`. */
export interface Submission {
  jobId: string;
  startIndex: number;
  texts: string[];
}

export interface Batcher {
  /** Results in `texts` order, once predicted AND durably written (Postgres or persist queue). */
  submit(submission: Submission): Promise<PredictionResult[]>;
  /** Resolves when nothing is queued, being predicted or being written. */
  drain(): Promise<void>;
}

interface Caller {
  results: PredictionResult[];
  remaining: number;
  settled: boolean;
  resolve(results: PredictionResult[]): void;
  reject(err: unknown): void;
}

interface Pending {
  text: string;
  jobId: string;
  index: number;
  caller: Caller;
  slot: number;
  arrivedAt: number;
}

/**
 * Dynamic micro-batcher (like Triton's): pools texts from all concurrent jobs FIFO into batches of
 * up to maxBatchSize, dispatched when full, when the model is idle, or maxWaitMs after their first text arrived.
 */
export function createBatcher(deps: BatcherDeps, opts: BatcherOptions): Batcher {
  const { classifier, sink, logger } = deps;
  const queue = new Fifo<Pending>();
  let inflight = 0; // batches inside classifier.predict
  let writing = 0; // batches being written
  let wake: { kind: 'idle' | 'wait'; cancel(): void } | undefined;
  let force = false; // set while a wake-up dispatches the partial batch it was armed for
  let idleWaiters: Array<() => void> = [];

  function pump(): void {
    while (inflight < opts.maxInflight && queue.size > 0) {
      const waited = performance.now() - queue.peek()!.arrivedAt;
      if (!force && queue.size < opts.maxBatchSize && waited < opts.maxWaitMs) {
        armWake(waited);
        return;
      }
      force = false;
      inflight++;
      void runBatch(queue.take(opts.maxBatchSize));
    }
    notifyIfIdle();
  }

  // An idle model takes a partial batch on the next turn of the event loop (texts submitted together
  // still share it, and a lone request never pays the batching delay); while a batch is being
  // predicted, the next one gets up to maxWaitMs to fill.
  function armWake(waited: number): void {
    const kind = inflight === 0 ? 'idle' : 'wait';
    if (wake && (wake.kind === kind || wake.kind === 'idle')) return;
    wake?.cancel();
    if (kind === 'idle') {
      const handle = setImmediate(release);
      wake = { kind, cancel: () => clearImmediate(handle) };
    } else {
      const handle = setTimeout(release, opts.maxWaitMs - waited);
      wake = { kind, cancel: () => clearTimeout(handle) };
    }
  }

  function release(): void {
    wake = undefined;
    force = true;
    pump();
    force = false;
  }

  async function runBatch(batch: Pending[]): Promise<void> {
    let rows: NewPrediction[] | undefined;
    try {
      rows = await predictRows(batch);
    } catch (err) {
      fail(batch, err, 'micro-batch prediction failed');
    }
    // Free the inference slot before writing, so the next batch's inference overlaps this flush.
    inflight--;
    if (rows) writing++;
    pump();
    if (!rows) return;
    try {
      await sink.write(rows);
      deliver(batch, rows);
    } catch (err) {
      fail(batch, err, 'micro-batch write failed');
    } finally {
      writing--;
      notifyIfIdle();
    }
  }

  /** One classifier.predict call; its wall time is the latency_ms of every row of the batch. */
  async function predictRows(batch: Pending[]): Promise<NewPrediction[]> {
    const started = performance.now();
    const predictions = await classifier.predict(batch.map((p) => p.text));
    if (predictions.length !== batch.length) {
      throw new Error(`classifier returned ${predictions.length} predictions for ${batch.length} texts`);
    }
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    logger.debug({ size: batch.length, latencyMs, queued: queue.size }, 'micro-batch predicted');
    const timestamp = new Date();
    return batch.map((p, i) => ({
      id: predictionId(p.jobId, p.index),
      timestamp,
      inputText: opts.storeInputText ? p.text : null,
      sentiment: predictions[i]!.label,
      confidence: predictions[i]!.confidence,
      latencyMs,
      modelVersion: classifier.info.version,
      cacheHit: false,
      jobId: p.jobId,
      itemIndex: p.index,
    }));
  }

  function deliver(batch: Pending[], rows: NewPrediction[]): void {
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

  // Only the callers with a text in this batch fail; other batches carry on.
  function fail(batch: Pending[], err: unknown, msg: string): void {
    logger.error({ err, size: batch.length }, msg);
    for (const { caller } of batch) {
      if (caller.settled) continue;
      caller.settled = true;
      caller.reject(err);
    }
  }

  function notifyIfIdle(): void {
    if (queue.size > 0 || inflight > 0 || writing > 0 || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  return {
    submit({ jobId, startIndex, texts }) {
      if (texts.length === 0) return Promise.resolve([]);
      return new Promise<PredictionResult[]>((resolve, reject) => {
        const caller: Caller = { results: new Array(texts.length), remaining: texts.length, settled: false, resolve, reject };
        const arrivedAt = performance.now();
        queue.pushAll(texts.map((text, slot) => ({ text, jobId, index: startIndex + slot, caller, slot, arrivedAt })));
        pump();
      });
    },
    drain() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notifyIfIdle();
      });
    },
  };
}
