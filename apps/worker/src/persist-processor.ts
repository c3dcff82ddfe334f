import { PermanentWriteError, type PredictionWriter } from '@sentiment/db/threaded';
import { JobName, PersistJobData } from '@sentiment/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { fromQueueRow } from './rows.js';

export interface PersistProcessorDeps {
  writer: PredictionWriter;
  logger: Logger;
  /** Called when writes succeed again after failing (main promotes the other parked jobs). */
  onRecovered?: () => void;
}

export interface PersistJobResult {
  rows: number;
  /** Fewer than `rows` when some were already stored (a retried write): nothing is duplicated. */
  inserted: number;
}

/**
 * The BullMQ processor for JobName.persist on PERSIST_QUEUE: writes rows parked while Postgres was
 * down. A failed write throws, and the job's attempts/backoff retry it until Postgres is back; rows
 * Postgres refuses for good (PermanentWriteError) fail the job at once instead.
 */
export function makePersistProcessor({ writer, logger, onRecovered }: PersistProcessorDeps) {
  // Every parked job retries on its own backoff; log the outage once, not once per attempt.
  let failingSince: number | undefined;
  return async function processPersist(job: Job<unknown, PersistJobResult, string>): Promise<PersistJobResult> {
    if (job.name !== JobName.persist) {
      throw new UnrecoverableError(`unknown job name "${job.name}" (expected "${JobName.persist}")`);
    }
    const parsed = PersistJobData.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid persist job: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    const rows = parsed.data.rows.map(fromQueueRow);
    let inserted: number;
    try {
      inserted = await writer.insertMany(rows);
    } catch (err) {
      // Kept in the failed set (persistJobOptions keeps failed jobs 30 days): retry it from Bull Board once fixed.
      if (err instanceof PermanentWriteError) {
        logger.error({ err, jobId: job.id, code: err.code, column: err.column, rows: rows.length }, 'Postgres refused parked prediction rows for good; the job fails');
        throw new UnrecoverableError(err.message);
      }
      if (failingSince === undefined) {
        failingSince = Date.now();
        logger.warn({ err, jobId: job.id }, 'parked prediction rows cannot be written yet; retrying with backoff');
      }
      throw err;
    }
    if (failingSince !== undefined) {
      logger.info({ downForMs: Date.now() - failingSince }, 'parked prediction rows are being written again');
      failingSince = undefined;
      onRecovered?.();
    }
    logger.info({ jobId: job.id, rows: rows.length, inserted, attempt: job.attemptsMade + 1 }, 'parked prediction rows written');
    return { rows: rows.length, inserted };
  };
}
