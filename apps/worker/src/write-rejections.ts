import { PermanentWriteError, type PredictionWriter } from '@sentiment/db/threaded';
import { WRITE_REJECTION_TTL_S, writeRejectionsKey, type WriteRejection } from '@sentiment/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface WriteRejectionReporter {
  rejected(err: PermanentWriteError): void;
  /** A write succeeded: clears this worker's report, if it made one. */
  written(): void;
}

/**
 * Tells the API (its /ready) that this worker's rows are being refused, through the hash in
 * @sentiment/queue write-rejections.ts. At most one Redis write per second while refusals go on, and
 * none at all on the normal path.
 */
export function createWriteRejectionReporter(redis: Pick<Redis, 'multi' | 'hdel'>, prefix: string, worker: string, logger: Logger): WriteRejectionReporter {
  const key = writeRejectionsKey(prefix);
  let reportedAt: number | undefined;
  const warn = (err: unknown) => logger.warn({ err }, 'could not report refused writes in Redis');
  return {
    rejected(err) {
      const now = Date.now();
      if (reportedAt !== undefined && now - reportedAt < 1000) return;
      reportedAt = now;
      const report: WriteRejection = { at: now, code: err.code, column: err.column, message: err.message };
      redis.multi().hset(key, worker, JSON.stringify(report)).expire(key, WRITE_REJECTION_TTL_S).exec().catch(warn);
    },
    written() {
      if (reportedAt === undefined) return;
      reportedAt = undefined;
      redis.hdel(key, worker).catch(warn);
    },
  };
}

/** `writer`, reporting each refusal and clearing the report on the next success. */
export function reportingRejections(writer: PredictionWriter, reporter: WriteRejectionReporter): PredictionWriter {
  return {
    async insertMany(rows) {
      try {
        const inserted = await writer.insertMany(rows);
        reporter.written();
        return inserted;
      } catch (err) {
        if (err instanceof PermanentWriteError) reporter.rejected(err);
        throw err;
      }
    },
  };
}
