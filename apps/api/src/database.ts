import type { Logger } from 'pino';
import { createAnalyticsRepository, initOrm, queryBuilderLog, type AnalyticsRepository, type DbOptions } from '@sentiment/db';
import { redactUrl } from '@sentiment/queue';

export interface DatabaseOptions extends DbOptions {
  logger: Logger;
}

export interface Database {
  analytics: AnalyticsRepository;
  close(): Promise<void>;
}

/**
 * Opens the ORM without waiting for Postgres: its pool connects on first use, so the API starts
 * (and /ready reports the database down) while Postgres is still coming up, and recovers by itself.
 */
export async function connectDatabase({ logger, ...options }: DatabaseOptions): Promise<Database> {
  const { clientUrl } = options;
  const orm = await initOrm({ poolMax: 5, log: queryBuilderLog(logger), ...options });
  const analytics = createAnalyticsRepository(orm);
  analytics.ping().then(
    () => logger.info({ databaseUrl: redactUrl(clientUrl) }, 'Postgres reachable'),
    (err: Error) =>
      logger.error(
        { err: err.message, databaseUrl: redactUrl(clientUrl) },
        'Postgres is unreachable; analytics answer 503 until it is back. Start it with `docker compose up -d postgres redis`',
      ),
  );
  return { analytics, close: () => orm.close(true) };
}
