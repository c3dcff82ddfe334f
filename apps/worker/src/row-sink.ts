import type { NewPrediction, PredictionWriter } from '@sentiment/db';
import { JobName, PERSIST_QUEUE, persistJobOptions, type PersistJobData } from '@sentiment/queue';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { toQueueRow } from './rows.js';

export interface RowSink {
  /** Resolves once the rows are durable: in Postgres, or parked in Redis for the persist worker. */
  write(rows: NewPrediction[]): Promise<void>;
}

export interface RowSinkDeps {
  writer: PredictionWriter;
  /** The persist queue; rows wait there while Postgres is unreachable. */
  persistQueue: Pick<Queue<PersistJobData>, 'add'>;
  logger: Logger;
  /**
   * After a failed write, batches skip Postgres for this long and go straight to the persist queue,
   * so an unreachable host (connect timeouts) does not stall every batch. Default 5 s.
   */
  retryDbAfterMs?: number;
  /** Called when a write succeeds after an outage (main promotes the persist jobs waiting on backoff). */
  onRecovered?: () => void;
}

/**
 * Writes each micro-batch with ONE insertMany; if Postgres fails, parks the rows in Redis as ONE
 * persist job instead of failing the predictions. Logs once per outage, not once per batch.
 */
export function createRowSink({ writer, persistQueue, logger, retryDbAfterMs = 5000, onRecovered }: RowSinkDeps): RowSink {
  let outage: { since: number; retryAt: number; parkedRows: number } | undefined;

  async function park(rows: NewPrediction[]): Promise<void> {
    // If Redis fails too, this throws: the callers' jobs fail and BullMQ retries them.
    await persistQueue.add(JobName.persist, { rows: rows.map(toQueueRow) }, persistJobOptions());
    if (outage) outage.parkedRows += rows.length;
  }

  return {
    async write(rows) {
      if (rows.length === 0) return;
      if (outage && Date.now() < outage.retryAt) return park(rows);
      try {
        await writer.insertMany(rows);
      } catch (err) {
        if (!outage) {
          logger.error(
            { err, queue: PERSIST_QUEUE },
            'prediction writes failed (is Postgres up? `docker compose up -d postgres`); parking rows in the persist queue until it is back',
          );
          outage = { since: Date.now(), retryAt: 0, parkedRows: 0 };
        }
        outage.retryAt = Date.now() + retryDbAfterMs;
        return park(rows);
      }
      if (outage) {
        logger.info(
          { downForMs: Date.now() - outage.since, parkedRows: outage.parkedRows },
          'prediction writes recovered; the persist worker drains the parked rows',
        );
        outage = undefined;
        onRecovered?.();
      }
    },
  };
}
