import type { PredictionResult } from '@sentiment/queue';
import { BatchRunner, type BatchRunnerDeps } from './batching/batch-runner.js';
import { BatchScheduler, type SchedulerOptions } from './batching/batch-scheduler.js';
import type { Caller, PendingText } from './batching/pending-text.js';
import type { CacheLookup, ResultCache } from './result-cache.js';

export interface BatcherOptions extends SchedulerOptions {
  /** false: rows are stored with input_text NULL. */
  storeInputText: boolean;
}

/** The runner's dependencies (the classifiers, the row sink, the cache); texts found in the cache skip the model. */
export type BatcherDeps = Omit<BatchRunnerDeps, 'storeInputText'>;

/** A caller's texts: item `i` of `texts` is item `startIndex + i` of job `jobId`. */
export interface Submission {
  jobId: string;
  startIndex: number;
  texts: string[];
  /** Someone waits on these (sync /predict, /batch): they overtake bulk texts already queued. Default false. */
  interactive?: boolean;
  /** The job's cacheScope: which client's cache entries these texts may use. */
  cacheScope?: string;
  /** A shadow run: answered by the model (never the cache) and not stored in `predictions`. */
  shadow?: boolean;
}

export interface Batcher {
  /** Results in `texts` order, once predicted AND durably written (Postgres or persist queue; shadow runs: once predicted). */
  submit(submission: Submission): Promise<PredictionResult[]>;
  /** Resolves when nothing is queued, being predicted or being written. */
  drain(): Promise<void>;
}

/**
 * The dynamic micro-batcher: texts of all concurrent jobs meet in one scheduler (batching/batch-scheduler.ts:
 * when and which texts form a batch) and a runner (batching/batch-runner.ts: predict, write, answer).
 * This file takes submissions in, answering cache hits without the model, and tells when all is done.
 */
export function createBatcher(deps: BatcherDeps, opts: BatcherOptions): Batcher {
  const { cache } = deps;
  let looking = 0; // submissions waiting for their cache lookup
  let idleWaiters: Array<() => void> = [];
  const runner = new BatchRunner({ ...deps, storeInputText: opts.storeInputText }, notifyIfIdle);
  const scheduler = new BatchScheduler(
    { ...opts, interactiveInflight: deps.interactiveClassifier ? (opts.interactiveInflight ?? 1) : 0 },
    (batch, lane) => runner.predict(batch, lane),
    notifyIfIdle,
  );

  /**
   * One cache lookup per submission, before its texts join the queue: hits are answered and written
   * without the model, and only misses take batch slots. Looking up here rather than per formed batch
   * keeps the round trip off the inference threads' critical path.
   */
  async function lookupFirst(pending: PendingText[], lookupCache: ResultCache, scope: string | undefined): Promise<void> {
    looking++;
    // lookup() never throws by contract; should it anyway, the texts go to the model rather than hang the job.
    const lookup = await lookupCache.lookup(pending.map((p) => p.text), scope).catch(() => ({ hits: [], keys: [], latencyMs: 0 }) as CacheLookup);
    looking--;
    const { hits, keys, latencyMs } = lookup;
    const timestamp = new Date();
    const misses: PendingText[] = [];
    const found: PendingText[] = [];
    pending.forEach((p, i) => {
      p.cacheKey = keys[i];
      (hits[i] ? found : misses).push(p);
    });
    if (misses.length > 0) scheduler.enqueue(misses);
    if (found.length === 0) return notifyIfIdle();
    const rows = found.map((p) => runner.toRow(p, hits[p.slot]!, { latencyMs, timestamp, cacheHit: true }));
    await runner.write(found, rows);
  }

  function notifyIfIdle(): void {
    if (!scheduler.idle || runner.writing > 0 || looking > 0 || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  return {
    submit({ jobId, startIndex, texts, interactive = false, cacheScope, shadow = false }) {
      if (texts.length === 0) return Promise.resolve([]);
      return new Promise<PredictionResult[]>((resolve, reject) => {
        const caller: Caller = { results: new Array(texts.length), remaining: texts.length, settled: false, resolve, reject };
        const pending = texts.map((text, slot): PendingText => ({ text, interactive, shadow, jobId, index: startIndex + slot, caller, slot, arrivedAt: 0 }));
        // Shadow runs measure the model itself, so they skip the cache.
        if (cache && !shadow) void lookupFirst(pending, cache, cacheScope);
        else scheduler.enqueue(pending);
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
