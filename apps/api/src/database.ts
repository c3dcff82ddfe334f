import type { Logger } from 'pino';
import { createAnalyticsRepository, initOrm, queryBuilderLog, replicationStatus, type DbOptions } from '@sentiment/db';
import { redactUrl } from '@sentiment/queue';
import { replicaRouting, type RoutedAnalytics } from './analytics-routing.js';

export interface DatabaseOptions extends DbOptions {
  logger: Logger;
}

export interface Database {
  /** With `analyticsClientUrl`, reads the replica while it is healthy (`routing` says how); else the primary. */
  analytics: RoutedAnalytics;
  close(): Promise<void>;
}

/**
 * Opens the ORM without waiting for Postgres: its pool connects on first use, so the API starts
 * (and /ready reports the database down) while Postgres is still coming up, and recovers by itself.
 * With `analyticsClientUrl` (ANALYTICS_DATABASE_URL) a second ORM, with the same schema, pool size and
 * timeouts, reads the replica; the primary's stays for everything else (the `postgres` check of /ready,
 * and analytics whenever the replica is down or lagging: analytics-routing.ts).
 */
export async function connectDatabase({ logger, ...options }: DatabaseOptions): Promise<Database> {
  const { clientUrl, analyticsClientUrl, analyticsMaxLagS = 30 } = options;
  const orm = await initOrm({ poolMax: 5, log: queryBuilderLog(logger), ...options });
  const primary = createAnalyticsRepository(orm);
  primary.ping().then(
    () => logger.info({ databaseUrl: redactUrl(clientUrl) }, 'Postgres reachable'),
    (err: Error) =>
      logger.error(
        { err: err.message, databaseUrl: redactUrl(clientUrl) },
        analyticsClientUrl
          ? 'Postgres is unreachable; analytics are read from the replica while it serves, and answer 503 when it does not'
          : 'Postgres is unreachable; analytics answer 503 until it is back. Start it with `docker compose up -d postgres redis`',
      ),
  );
  if (analyticsClientUrl === undefined) return { analytics: primary, close: () => orm.close(true) };

  const replicaOrm = await initOrm({ poolMax: 5, log: queryBuilderLog(logger), ...options, clientUrl: analyticsClientUrl });
  const routed = replicaRouting({
    primary,
    replica: createAnalyticsRepository(replicaOrm),
    status: () => replicationStatus(replicaOrm),
    maxLagS: analyticsMaxLagS,
    logger: logger.child({ analyticsReplica: redactUrl(analyticsClientUrl) }),
  });
  logger.info({ analyticsDatabaseUrl: redactUrl(analyticsClientUrl), maxLagS: analyticsMaxLagS }, 'analytics read from a replica while it serves');
  return {
    analytics: routed.analytics,
    async close() {
      routed.close();
      await Promise.allSettled([orm.close(true), replicaOrm.close(true)]);
    },
  };
}
