// How to reach the database, without MikroORM: the options every ORM of the project is built from
// (config.ts), and what a process whose ORM lives in writer threads needs before it starts them.

export interface DbOptions {
  /** e.g. postgresql://postgres@127.0.0.1:5432/postgres */
  clientUrl: string;
  /** Postgres schema holding the tables and the migrations table (default `public`). */
  schema?: string;
  /** Log every SQL statement. */
  debug?: boolean;
  /** Max connections in the pool. */
  poolMax?: number;
  /** Rows per INSERT statement of a flush (MikroORM's `batchSize`), so also the writer's rows per flush. */
  batchSize?: number;
  /** A connection attempt fails after this (default 5 s). */
  connectTimeoutMs?: number;
  /** A statement is cancelled by Postgres, and abandoned by the client, after this (default 15 s). */
  statementTimeoutMs?: number;
  /**
   * A read replica for the API's analytics reads (ANALYTICS_DATABASE_URL); only the API reads it,
   * dbConfig ignores it (writes, migrations and retention always use clientUrl).
   */
  analyticsClientUrl?: string;
  /** The replica is skipped while it lags more than this many seconds (default 30). */
  analyticsMaxLagS?: number;
  /** Where the query builder's own messages go (by default knex prints them raw to the console). */
  log?: { warn(message: string): void; error(message: string): void };
}

/**
 * Rows per INSERT (MikroORM's default is 300): the row sink's group commits carry up to 2,000 rows, and a
 * flush that is one statement keeps concurrent writers deadlock-free (unit-of-work-writer.ts).
 * 2,000 rows × 10 columns = 20,000 bind parameters, under Postgres' 65,535.
 */
export const DEFAULT_BATCH_SIZE = 2_000;

/** Schema names go into a connection option, so only plain identifiers are accepted. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * knex's messages through the app's logger: a lost connection is what the writer and the pings already
 * report once per outage, so it goes to debug; anything else is a warning or an error.
 */
export function queryBuilderLog(logger: { debug(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void }): NonNullable<DbOptions['log']> {
  return {
    warn: (message) => (/^Connection Error/.test(message) ? logger.debug({ message }, 'query builder') : logger.warn({ message }, 'query builder')),
    error: (message) => logger.error({ message }, 'query builder'),
  };
}
