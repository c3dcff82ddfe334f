import { deleteOlderThan, type Orm } from '@sentiment/db';
import { JobName, PurgeJobData, type PurgeJobResult } from '@sentiment/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';

const DAY_MS = 24 * 3600 * 1000;

/** Rows per DELETE: each chunk is its own short transaction, so writers are never blocked for long. */
export const RETENTION_CHUNK_SIZE = 5_000;
/**
 * A run stops after this many rows, bounding each job; an incomplete run queues the next one at once,
 * so a backlog is worked off back to back, as fast as the deletes go, not one run per interval.
 */
export const RETENTION_MAX_ROWS_PER_RUN = 500_000;

export interface RetentionProcessorDeps {
  orm: Orm;
  logger: Logger;
  chunkSize?: number;
  maxRowsPerRun?: number;
  /** Queues a follow-up purge now (maintenance queue); called when a run stopped at maxRowsPerRun. */
  continueWith?: (data: PurgeJobData, afterJobId: string) => Promise<void>;
}

/** The BullMQ processor for JobName.purge on MAINTENANCE_QUEUE: deletes predictions past retention. */
export function makeRetentionProcessor({ orm, logger, chunkSize = RETENTION_CHUNK_SIZE, maxRowsPerRun = RETENTION_MAX_ROWS_PER_RUN, continueWith }: RetentionProcessorDeps) {
  return async function processPurge(job: Job<unknown, PurgeJobResult, string>): Promise<PurgeJobResult> {
    if (job.name !== JobName.purge) {
      throw new UnrecoverableError(`unknown job name "${job.name}" (expected "${JobName.purge}")`);
    }
    const parsed = PurgeJobData.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid purge job: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    const cutoff = new Date(Date.now() - parsed.data.retentionDays * DAY_MS);
    const started = Date.now();
    const deleted = await deleteOlderThan(orm, cutoff, { chunkSize, maxRows: maxRowsPerRun });
    const complete = deleted < maxRowsPerRun;
    const level = deleted > 0 ? 'info' : 'debug';
    logger[level]({ jobId: job.id, cutoff, deleted, complete, ms: Date.now() - started }, 'old predictions deleted');
    if (!complete) await continueWith?.(parsed.data, job.id!);
    return { cutoff: cutoff.toISOString(), deleted, complete };
  };
}
