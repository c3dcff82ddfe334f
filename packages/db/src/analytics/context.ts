import type { Knex } from '@mikro-orm/postgresql';
import type { Orm } from '../config.js';
import { rollupNames, type RollupNames } from '../rollup-sql.js';

/** A fragment of SQL and its `?` parameters, in text order. */
export interface Sql {
  text: string;
  params: unknown[];
}

/** What every analytics query needs: where the tables are, and a way to run SQL. */
export interface AnalyticsContext {
  /** The ORM's schema, for knex builders (which qualify names themselves); undefined for the default. */
  schema: string | undefined;
  /** Schema-qualified names of the raw table, the rollups and the latency bin function. */
  names: RollupNames;
  knex(): Knex;
  /** Runs one statement; its rows. */
  query<T>(sql: Sql): Promise<T[]>;
}

export function analyticsContext(orm: Orm): AnalyticsContext {
  return {
    schema: orm.config.get('schema'),
    names: rollupNames(orm),
    knex: () => orm.em.getKnex(),
    query: <T>({ text, params }: Sql) => orm.em.getConnection().execute<T[]>(text, params, 'all'),
  };
}
