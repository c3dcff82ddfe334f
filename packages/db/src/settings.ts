import { readEnv } from '@sentiment/settings';
import { z } from 'zod';
import { DEFAULT_BATCH_SIZE, SCHEMA_NAME, type DbOptions } from './options.js';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

const ms = (fallback: number) => z.coerce.number().int().min(100).max(3_600_000).default(fallback);

/**
 * The database variables, read the same way by the API, the worker, the MikroORM CLI
 * (`npm run migrate`), `npm start` and the scripts: the apps spread this shape into their own config
 * schema, everything else calls databaseSettings().
 */
export const DatabaseEnv = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, message: 'expected a postgres or postgresql URL' }).default(DEFAULT_DATABASE_URL).describe('Postgres.'),
  DATABASE_SCHEMA: z.string().regex(SCHEMA_NAME, { message: 'expected a plain lower-case identifier' }).optional().describe(
    'Postgres schema holding the tables; every tool reads it the same way, so migrations land where the apps write. Default: `public`.',
  ),
  /** A new connection that does not complete within this fails (a host that drops packets). */
  DB_CONNECT_TIMEOUT_MS: ms(5000).describe('A connection that does not complete in time fails (a host dropping packets).'),
  /**
   * A statement gets no answer within this: Postgres cancels it (statement_timeout) and the client gives
   * up on it too (query_timeout), so a frozen server that cancels nothing cannot hang a flush.
   */
  DB_STATEMENT_TIMEOUT_MS: ms(15_000).describe(
    'Postgres cancels a statement after this (`statement_timeout`) and the client abandons it a second later (`query_timeout`): a frozen Postgres cannot hang a flush; the rows are parked in Redis instead.',
  ),
  /**
   * Connections per process (default: API 5, worker 2, plus 2 in each of the worker's two writer threads). Keep
   * (APIs + workers) × pool below Postgres' max_connections (100).
   */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).optional().describe(
    "Postgres connections per process; keep (API processes + worker processes) × pool under Postgres' `max_connections`. Default: API `5`, worker `2` (retention, partitions, shadow comparisons, in its bulk writer thread's pool); a worker also holds 2 for prediction rows in each of its two writer threads (interactive rows: two flushes at once; bulk rows: a flush and a parked-rows write), 6 in all.",
  ),
  /** The API's analytics reads go here (a streaming replica); everything else stays on DATABASE_URL. */
  ANALYTICS_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, message: 'expected a postgres or postgresql URL' }).optional().describe(
    "API only: a read replica (a streaming standby of `DATABASE_URL`'s server) that serves every `/analytics/*` read and the dashboard's; writes, migrations, retention and `/ready`'s `postgres` check stay on `DATABASE_URL`. While it is down or lags more than `ANALYTICS_MAX_LAG_S`, analytics are read from the primary. Unset: analytics read the primary.",
  ),
  ANALYTICS_MAX_LAG_S: z.coerce.number().min(0).max(86_400).default(30).describe(
    'With `ANALYTICS_DATABASE_URL`: a replica lagging more than this many seconds behind the primary (`now() - pg_last_xact_replay_timestamp()`) is skipped: analytics are read from the primary until it catches up.',
  ),
  DB_BATCH_SIZE: z.coerce.number().int().min(1).max(6_000).default(DEFAULT_BATCH_SIZE).describe(
    "Rows per INSERT statement (MikroORM's `batchSize`), so also the most rows the prediction writer sends in one flush; larger calls are written as several flushes.",
  ),
});
export type DatabaseEnv = z.infer<typeof DatabaseEnv>;

/** DbOptions from already validated variables. */
export function databaseOptions(e: DatabaseEnv): DbOptions {
  return {
    clientUrl: e.DATABASE_URL,
    schema: e.DATABASE_SCHEMA,
    connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    ...(e.DB_POOL_MAX !== undefined && { poolMax: e.DB_POOL_MAX }),
    batchSize: e.DB_BATCH_SIZE,
    ...(e.ANALYTICS_DATABASE_URL !== undefined && { analyticsClientUrl: e.ANALYTICS_DATABASE_URL }),
    analyticsMaxLagS: e.ANALYTICS_MAX_LAG_S,
  };
}

/**
 * Reads and validates the database variables of `env` (for the MikroORM CLI, `npm start` and the
 * scripts; the apps read them within their own settings); throws a ConfigError naming every bad variable.
 */
export function databaseSettings(env: Record<string, string | undefined> = process.env): DbOptions {
  return databaseOptions(readEnv(DatabaseEnv, env, 'database'));
}
