import { fileURLToPath } from 'node:url';
import { MikroORM, type IMigrator, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { PredictionSchema } from './prediction.entity.js';
import { ModelComparisonLatencyRollupSchema, ModelComparisonRollupSchema, ModelComparisonSchema } from './model-comparison.entity.js';
import { PredictionLatencyRollupSchema, PredictionRollupSchema } from './prediction-rollup.entity.js';
import { DEFAULT_BATCH_SIZE, SCHEMA_NAME, type DbOptions } from './options.js';

/** Absolute, so the CLI, the app and the tests find migrations whatever their cwd. */
export const MIGRATIONS_PATH = fileURLToPath(new URL('./migrations', import.meta.url));

/** Session settings for every connection. */
function connectionOptions(schema: string | undefined): string {
  return [
    // Migration files hold unqualified table names (as migration:create generates them);
    // the search_path makes them land in the configured schema.
    ...(schema === undefined ? [] : [`-c search_path=${schema}`]),
    // Every read here is a small index-driven query (analytics read rollups), and Postgres never runs
    // writes in parallel: a Gather's workers only add start-up time (milliseconds on a busy machine).
    '-c max_parallel_workers_per_gather=0',
  ].join(' ');
}

export function dbConfig(options: DbOptions): Options<PostgreSqlDriver> {
  const { schema, connectTimeoutMs = 5000, statementTimeoutMs = 15_000 } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name: ${schema}`);
  }
  return {
    driver: PostgreSqlDriver,
    clientUrl: options.clientUrl,
    schema,
    driverOptions: {
      connection: {
        options: connectionOptions(schema),
        // A frozen Postgres (paused, failing over, a blackholed network) keeps sockets open and answers
        // nothing: without these a flush, a ping or a migration waits for ever.
        connectionTimeoutMillis: connectTimeoutMs,
        statement_timeout: statementTimeoutMs,
        // The client-side bound: a frozen server never cancels anything itself.
        query_timeout: statementTimeoutMs + 1000,
        keepAlive: true,
      },
      ...(options.log && {
        log: { warn: options.log.warn, error: options.log.error, deprecate: options.log.warn, debug: () => undefined },
      }),
    },
    debug: options.debug ?? false,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    // The writers' flushes are one INSERT each (a chunk never exceeds batchSize): the prediction writer
    // runs its own transaction around the locks, the lookup and the flush (em.begin/commit), and the
    // comparison writer's INSERT is atomic on its own, so BEGIN and COMMIT around every flush would only
    // add round trips.
    implicitTransactions: false,
    // Flushes are explicit: nothing queries entities it changed before flushing (the default 'auto' mode
    // would). In 'commit' mode MikroORM skips its per-entity property accessors that track scalar changes
    // for auto-flushing (docs/benchmarks.md, bench:db).
    flushMode: 'commit',
    // Start without Postgres (it may come up later): the pool connects on first use and
    // ping() reports the outage, instead of init() throwing.
    ensureDatabase: false,
    // Waiting for a free connection is bounded too: every connection may be stuck on a frozen server.
    pool: { min: 0, ...(options.poolMax !== undefined && { max: options.poolMax }), acquireTimeoutMillis: connectTimeoutMs + statementTimeoutMs },
    // Entities are given explicitly; no folder discovery and no TS reflection (ts-morph does not run here).
    entities: [
      PredictionSchema,
      PredictionRollupSchema,
      PredictionLatencyRollupSchema,
      ModelComparisonSchema,
      ModelComparisonRollupSchema,
      ModelComparisonLatencyRollupSchema,
    ],
    // No `extensions: [Migrator]` here: migratorOf() and cliConfig() load it when asked, so the processes
    // and threads that never migrate (the worker, its writer threads) skip @mikro-orm/migrations (~8 MiB).
    // MikroORM's own import() lives in CommonJS and bypasses TS loaders (vitest); an import()
    // from this ESM module goes through whatever loader runs the app (tsx, vitest), so .ts migrations load.
    dynamicImportProvider: (id: string) => import(id),
    migrations: {
      path: MIGRATIONS_PATH,
      pathTs: MIGRATIONS_PATH,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
  };
}

/** The ORM as the apps hold it. */
export type Orm = MikroORM<PostgreSqlDriver>;

/** Resolves once Postgres answers a query from the ORM's pool (readiness checks, the worker's startup ping). */
export async function pingDatabase(orm: Orm): Promise<void> {
  await orm.em.getConnection().execute('select 1');
}

/** Never throws for an unreachable Postgres: the pool connects on first use (see ensureDatabase). */
export function initOrm(options: DbOptions): Promise<Orm> {
  return MikroORM.init(dbConfig(options));
}

const loadMigrator = async () => (await import('@mikro-orm/migrations')).Migrator;

/** dbConfig with MikroORM's Migrator, for the MikroORM CLI (mikro-orm.config.ts). */
export async function cliConfig(options: DbOptions): Promise<Options<PostgreSqlDriver>> {
  return { ...dbConfig(options), extensions: [await loadMigrator()] };
}

/**
 * `orm`'s Migrator, registered on first use. Not left to MikroORM's own fallback: it resolves the package
 * from the working directory, and takes a directory whose name has a dot (`/tmp/tmp.x1y2`) for a file.
 */
export async function migratorOf(orm: MikroORM): Promise<IMigrator> {
  if (!orm.config.getExtension('@mikro-orm/migrator')) (await loadMigrator()).register(orm);
  return orm.getMigrator();
}

/**
 * Applies all pending migrations; returns the names applied. MikroORM first lists the tables of every
 * schema, casting each name to regclass: a schema another client drops at that moment (test schemas,
 * a tenant being removed) fails the listing with 3F000/42P01 before anything was migrated, so that case
 * is tried again, a few times. `to` stops after that migration (benchmarks of an older layout).
 */
export async function migrateUp(orm: MikroORM, options: { to?: string } = {}): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const applied = await (await migratorOf(orm)).up(options.to === undefined ? undefined : { to: options.to });
      return applied.map((m) => m.name);
    } catch (err) {
      const message = String((err as Error).message);
      if (attempt >= 5 || !/information_schema\.tables/.test(message) || !/does not exist/.test(message)) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** Reverts all applied migrations (down to an empty schema); returns the names reverted. */
export async function migrateDown(orm: MikroORM): Promise<string[]> {
  const reverted = await (await migratorOf(orm)).down({ to: 0 });
  return reverted.map((m) => m.name);
}
