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
