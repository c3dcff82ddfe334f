import type { JobsOptions } from 'bullmq';

export interface RetentionOptions {
  /** Completed jobs (and so their results) stay readable this long. */
  resultTtlS: number;
  /** Failed jobs are kept longer, for inspection in Bull Board. */
  failedTtlS?: number;
}

/** Options every prediction job is added with: retries with backoff, bounded retention. */
export function classifyJobOptions({ resultTtlS, failedTtlS = 7 * 24 * 3600 }: RetentionOptions): JobsOptions {
  return {
    attempts: 3,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: { age: resultTtlS },
    removeOnFail: { age: failedTtlS },
  };
}

/** Persist jobs retry for a long time: they hold rows that must reach Postgres. */
export function persistJobOptions(): JobsOptions {
  return {
    attempts: 1000,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/** One scheduler for the whole fleet: every worker upserts this id, so there is never a second one. */
export const PURGE_SCHEDULER_ID = 'purge-old-predictions';

/** Template options of scheduled purge jobs: no retries (the next run is one), a short history. */
export function purgeJobOptions(): JobsOptions {
  return {
    attempts: 1,
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 100 },
  };
}

/**
 * Shadow jobs wait behind every other job of their model's queue (they only feed comparisons), retry a
 * few times, and keep no result: their answers are stored in Postgres.
 */
export function shadowJobOptions(): JobsOptions {
  return {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    priority: 100,
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
