import { performance } from 'node:perf_hooks';
import type { NewPrediction } from '@sentiment/db';
import type { Classifier } from '@sentiment/model';
import { predictionId, type PredictionResult } from '@sentiment/queue';
import type { Logger } from 'pino';
import { Fifo } from './fifo.js';
import type { CachedPrediction, CacheLookup, ResultCache } from './result-cache.js';
import type { RowSink } from './row-sink.js';
import { toResult } from './rows.js';

export interface BatcherOptions {
  /** Texts per classifier.predict call. */
  maxBatchSize: number;
  /** While a batch is being predicted, a partial batch is dispatched this long after its first text arrived. */
  maxWaitMs: number;
  /** Batches predicted at once: one per inference thread, so no thread idles while the next fills. */
  maxInflight: number;
  /**
   * With a backlog of at least two full batches, up to this many full batches are taken from the head
   * of the queue at once, sorted by text length and cut into batches: a batch is padded to its longest
   * text, so similar lengths waste less of the model's work. 1 (the default): plain FIFO batches.
   */
  sortWindow?: number;
  /** false: rows are stored with input_text NULL. */
  storeInputText: boolean;
}

export interface BatcherDeps {
  classifier: Pick<Classifier, 'info' | 'predict'>;
  sink: RowSink;
  logger: Logger;
  /** Texts found here skip the model; the model's answers are stored here. Unset: no cache. */
  cache?: ResultCache;
}

/** A caller's texts: item `i` of `texts` is item `startIndex + i` of job `jobId`. */
export interface Submission {
  jobId: string;
  startIndex: number;
  texts: string[];
  /** Someone waits on these (sync /predict, /batch): they overtake bulk texts already queued. Default false. */
  interactive?: boolean;
  /** The job's cacheScope: which client's cache entries these texts may use. */
  cacheScope?: string;
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
  interactive: boolean;
  jobId: string;
  index: number;
  caller: Caller;
  slot: number;
  arrivedAt: number;
  /** Where the model's answer is cached (set when a cache is configured). */
  cacheKey?: string;
}

/**
 * Dynamic micro-batcher (like Triton's): pools texts from all concurrent jobs FIFO into batches of
 * up to maxBatchSize, dispatched when full, when the model is idle, or maxWaitMs after their first text arrived.
 * Two queues, as Triton's priority levels: interactive texts (someone waits for them) go into the next
 * batch before any bulk text, however many bulk texts wait, and bulk texts fill what room is left.
 * Under a bulk backlog, batches are cut from length-sorted windows of its head (see sortWindow).
 */
export function createBatcher(deps: BatcherDeps, opts: BatcherOptions): Batcher {
  const { classifier, sink, logger, cache } = deps;
  const urgent = new Fifo<Pending>();
  const bulk = new Fifo<Pending>();
  const queue = {
    get size() {
      return urgent.size + bulk.size;
    },
    /** The text that has waited longest among those the next batch would take first. */
    peek: () => urgent.peek() ?? bulk.peek(),
  };
  /** Batches cut from one sorted window, dispatched before anything behind them in the queue. */
  const ready: Pending[][] = [];
  let inflight = 0; // batches inside classifier.predict
  let writing = 0; // batches being written
  let looking = 0; // submissions waiting for their cache lookup
  let wake: { kind: 'idle' | 'wait'; cancel(): void } | undefined;
  let force = false; // set while a wake-up dispatches the partial batch it was armed for
  let idleWaiters: Array<() => void> = [];

  function pump(): void {
    while (inflight < opts.maxInflight && (ready.length > 0 || queue.size > 0)) {
      if (ready.length === 0) {
        const waited = performance.now() - queue.peek()!.arrivedAt;
        if (!force && queue.size < opts.maxBatchSize && waited < opts.maxWaitMs) {
          armWake(waited);
          return;
        }
      }
      force = false;
      inflight++;
      void runBatch(nextBatch());
    }
    notifyIfIdle();
  }

  function nextBatch(): Pending[] {
    if (urgent.size > 0) {
      const batch = urgent.take(opts.maxBatchSize);
      // The rest of the batch is bulk work: a batch costs about the same full or not.
      const room = opts.maxBatchSize - batch.length;
      if (room > 0) {
        const filler = ready.length > 0 ? ready.shift()! : bulk.take(room);
        if (filler.length > room) ready.unshift(filler.splice(room));
        batch.push(...filler);
      }
      return batch;
    }
    if (ready.length > 0) return ready.shift()!;
    const full = Math.min(opts.sortWindow ?? 1, Math.floor(bulk.size / opts.maxBatchSize));
    if (full < 2) return bulk.take(opts.maxBatchSize);
    const window = bulk.take(full * opts.maxBatchSize).sort((a, b) => a.text.length - b.text.length);
    for (let i = 0; i < window.length; i += opts.maxBatchSize) ready.push(window.slice(i, i + opts.maxBatchSize));
    return ready.shift()!;
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
    // Cached while the rows are written: once the job completes, a repeat of its texts hits.
    const answers = batch.flatMap((p, i) =>
      p.cacheKey ? [{ key: p.cacheKey, prediction: { sentiment: rows[i]!.sentiment, confidence: rows[i]!.confidence } }] : [],
    );
    await writeRows(batch, rows, cache?.store(answers));
  }

  /** Writes rows (the caller counted them in `writing`), then answers their callers. */
  async function writeRows(batch: Pending[], rows: NewPrediction[], alongside?: Promise<void>): Promise<void> {
    try {
      await Promise.all([sink.write(rows, { interactive: batch.some((p) => p.interactive) }), alongside]);
      deliver(batch, rows);
    } catch (err) {
      fail(batch, err, 'micro-batch write failed');
    } finally {
      writing--;
      notifyIfIdle();
    }
  }

  /**
   * One cache lookup per submission, before its texts join the queue: hits are answered and written
   * without the model, and only misses take batch slots. Looking up here rather than per formed batch
   * keeps the round trip off the inference threads' critical path (see README).
   */
  async function lookupFirst(pending: Pending[], lookupCache: ResultCache, scope: string | undefined): Promise<void> {
    looking++;
    const texts = pending.map((p) => p.text);
    // lookup() never throws by contract; should it anyway, the texts go to the model rather than hang the job.
    const lookup = await lookupCache.lookup(texts, scope).catch(() => ({ hits: [], keys: [], latencyMs: 0 }) as CacheLookup);
    looking--;
    const { hits, keys, latencyMs } = lookup;
    const timestamp = new Date();
    const misses: Pending[] = [];
    const found: Pending[] = [];
    const rows: NewPrediction[] = [];
    pending.forEach((p, i) => {
      p.cacheKey = keys[i];
      const hit = hits[i];
      if (!hit) return void misses.push(p);
      found.push(p);
      rows.push(toRow(p, hit, { latencyMs, timestamp, cacheHit: true }));
    });
    if (misses.length > 0) enqueue(misses);
    if (rows.length === 0) return notifyIfIdle();
    writing++;
    await writeRows(found, rows);
  }

  function enqueue(pending: Pending[]): void {
    const arrivedAt = performance.now();
    for (const p of pending) p.arrivedAt = arrivedAt;
    (pending[0]!.interactive ? urgent : bulk).pushAll(pending);
    pump();
  }

  function toRow(p: Pending, answer: CachedPrediction, meta: Pick<NewPrediction, 'latencyMs' | 'timestamp' | 'cacheHit'>): NewPrediction {
    return {
      id: predictionId(p.jobId, p.index),
      inputText: opts.storeInputText ? p.text : null,
      sentiment: answer.sentiment,
      confidence: answer.confidence,
      modelVersion: classifier.info.version,
      jobId: p.jobId,
      itemIndex: p.index,
      ...meta,
    };
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
    return batch.map((p, i) =>
      toRow(p, { sentiment: predictions[i]!.label, confidence: predictions[i]!.confidence }, { latencyMs, timestamp, cacheHit: false }),
    );
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
    if (queue.size > 0 || ready.length > 0 || inflight > 0 || writing > 0 || looking > 0 || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  return {
    submit({ jobId, startIndex, texts, interactive = false, cacheScope }) {
      if (texts.length === 0) return Promise.resolve([]);
      return new Promise<PredictionResult[]>((resolve, reject) => {
        const caller: Caller = { results: new Array(texts.length), remaining: texts.length, settled: false, resolve, reject };
        const pending = texts.map((text, slot): Pending => ({ text, interactive, jobId, index: startIndex + slot, caller, slot, arrivedAt: 0 }));
        if (cache) void lookupFirst(pending, cache, cacheScope);
        else enqueue(pending);
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
