import { createAnalyticsRepository, createPredictionWriter, createTextCipher, initOrm, queryBuilderLog, type DbOptions, type Orm, type PredictionWriter, type TextKey, type WriterKind } from '@sentiment/db';
import type { Logger } from 'pino';
import { redactUrl } from '@sentiment/queue';

export interface Database {
  orm: Orm;
  writer: PredictionWriter;
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
  const textCipher = inputTextKeys ? createTextCipher(inputTextKeys) : undefined;
  logger.info(
    { inputTexts: textCipher ? `encrypted (AES-256-GCM, key ${textCipher.activeKeyId})` : 'plaintext', writer: kind, rowsPerFlush: orm.config.get('batchSize') },
    'prediction storage',
  );
  return { orm, writer: createPredictionWriter(orm, { kind, textCipher }), reachable };
}
