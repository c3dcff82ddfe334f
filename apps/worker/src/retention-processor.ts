import type { RetentionStore } from '@sentiment/db/threaded';
import { JobName, PurgeJobData, type PurgeJobResult } from '@sentiment/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';

const DAY_MS = 24 * 3600 * 1000;

/** Comparison rows per DELETE: each chunk is its own short transaction, so writers are never blocked for long. */
export const RETENTION_CHUNK_SIZE = 5_000;
/**
 * A run stops after deleting this many comparison rows, bounding each job; an incomplete run queues the
 * next one at once, so a backlog is worked off back to back. (Predictions go by whole partitions, uncapped.)
 */
export const RETENTION_MAX_ROWS_PER_RUN = 500_000;

export interface RetentionProcessorDeps {
  /** Where the partitions and rows are (the worker: its bulk writer thread). */
  store: RetentionStore;
  logger: Logger;
  chunkSize?: number;
  maxRowsPerRun?: number;
  /** Queues a follow-up purge now (maintenance queue); called when a run stopped at maxRowsPerRun. */
  continueWith?: (data: PurgeJobData, afterJobId: string) => Promise<void>;
}

/**
 * The BullMQ processor for JobName.purge on MAINTENANCE_QUEUE: creates the predictions table's day
 * partitions ahead (so no writer creates one at midnight), then drops those past retention.
 */
export function makeRetentionProcessor({ store, logger, chunkSize = RETENTION_CHUNK_SIZE, maxRowsPerRun = RETENTION_MAX_ROWS_PER_RUN, continueWith }: RetentionProcessorDeps) {
  return async function processPurge(job: Job<unknown, PurgeJobResult, string>): Promise<PurgeJobResult> {
    if (job.name !== JobName.purge) {
      throw new UnrecoverableError(`unknown job name "${job.name}" (expected "${JobName.purge}")`);
    }
    const parsed = PurgeJobData.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid purge job: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    const started = Date.now();
    const created = await store.ensurePartitionsAhead(new Date(started));
    if (created.length > 0) logger.info({ jobId: job.id, created }, 'prediction partitions created ahead');
    const cutoff = new Date(started - parsed.data.retentionDays * DAY_MS);
    const gone = await store.deleteOlderThan(cutoff, { chunkSize, maxRows: maxRowsPerRun });
    const deleted = gone.predictions + gone.comparisons;
    const level = deleted > 0 || gone.partitions.length > 0 ? 'info' : 'debug';
    logger[level]({ jobId: job.id, cutoff, ...gone, ms: Date.now() - started }, 'old predictions deleted');
    if (!gone.complete) await continueWith?.(parsed.data, job.id!);
    return { cutoff: cutoff.toISOString(), deleted, partitionsDropped: gone.partitions, partitionsCreated: created, complete: gone.complete };
  };
}
