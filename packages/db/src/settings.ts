import { z } from 'zod';
import { DEFAULT_BATCH_SIZE, type DbOptions } from './config.js';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

// Unset and empty both mean "the default" (compose files often pass `VAR=`).
const blankIsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);
const ms = (fallback: number) => blankIsUnset(z.coerce.number().int().min(100).max(3_600_000).default(fallback));

/**
 * The database variables, read the same way by the API, the worker, the MikroORM CLI
 * (`npm run migrate`), `npm start` and the scripts: the apps spread this shape into their own config
 * schema, everything else calls databaseSettings().
 */
export const DatabaseEnv = z.object({
  DATABASE_URL: blankIsUnset(
    z.url({ protocol: /^postgres(ql)?$/, message: 'expected a postgres or postgresql URL' }).default(DEFAULT_DATABASE_URL),
  ).describe('Postgres.'),
  DATABASE_SCHEMA: blankIsUnset(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'expected a plain lower-case identifier' }).optional()).describe(
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
   * Connections per process (default: API 5, worker inference threads + 4). Every API and worker
   * process holds up to this many: keep (APIs + workers) × pool below Postgres' max_connections (100).
   */
  DB_POOL_MAX: blankIsUnset(z.coerce.number().int().min(1).max(100).optional()).describe(
    "Postgres connections per process; keep (API processes + worker processes) × pool under Postgres' `max_connections`. Default: API `5`, worker inference threads + 4 (at most 10).",
  ),
  DB_BATCH_SIZE: blankIsUnset(z.coerce.number().int().min(1).max(6_000).default(DEFAULT_BATCH_SIZE)).describe(
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
  };
}

/** Reads and validates the database variables of `env`; throws one error naming every bad variable. */
export function databaseSettings(env: Record<string, string | undefined> = process.env): DbOptions {
  const parsed = DatabaseEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid database settings:\n${problems}`);
  }
  return databaseOptions(parsed.data);
}
