import { createAnalyticsRepository, initOrm, queryBuilderLog, startThreadedPredictionWriter, type DbOptions, type Orm, type ThreadedPredictionWriter, type TextKey, type WriterKind } from '@sentiment/db';
import type { Logger } from 'pino';
import { redactUrl } from '@sentiment/queue';

/** Connections of the prediction writer's thread (DB_POOL_MAX sizes the rest of the process' pool). */
const WRITER_POOL = 3;

export interface Database {
  /** Retention, partitions, pings: everything but the prediction rows. */
  orm: Orm;
  /** The prediction rows, written from a thread of their own with its own pool. */
  writer: ThreadedPredictionWriter;
  /** Whether Postgres answered the startup ping. */
  reachable: boolean;
}

/**
 * Opens the ORM (its pool connects on first use, so this works with Postgres down), then pings.
 * Postgres being down does not stop the worker: predictions do not need it, and the row sink parks
 * rows in the persist queue until it is back, so the fleet recovers without restarts.
 */
export async function openDatabase(
  opts: DbOptions & { inputTextKeys?: TextKey[]; writer?: WriterKind },
  logger: Logger,
): Promise<Database> {
  const { inputTextKeys, writer: kind = 'unit-of-work', ...dbOptions } = opts;
  const orm = await initOrm({ log: queryBuilderLog(logger), ...dbOptions });
  let reachable = true;
  try {
    await createAnalyticsRepository(orm).ping();
    logger.info({ postgres: redactUrl(opts.clientUrl), schema: opts.schema ?? 'public' }, 'Postgres reachable');
  } catch (err) {
    reachable = false;
    logger.error(
      { err, postgres: redactUrl(opts.clientUrl) },
      'Postgres unreachable at startup (start it with `docker compose up -d postgres` or set DATABASE_URL); ' +
        'predictions continue and their rows wait in the persist queue',
    );
  }
  // Its own pool: a connection per flush in flight (the row sink's two) and one for the persist worker.
  const writer = await startThreadedPredictionWriter({
    db: { ...dbOptions, log: queryBuilderLog(logger), poolMax: WRITER_POOL },
    kind,
    textKeys: inputTextKeys,
    onRestart: (reason) => logger.error({ err: reason }, 'the prediction writer thread died; starting a new one (rows that failed meanwhile are parked)'),
  });
  logger.info(
    { inputTexts: inputTextKeys ? `encrypted (AES-256-GCM, key ${inputTextKeys[0]!.id})` : 'plaintext', writer: kind, rowsPerFlush: orm.config.get('batchSize') },
    'prediction storage',
  );
  return { orm, writer, reachable };
}
