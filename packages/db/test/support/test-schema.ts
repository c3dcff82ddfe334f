import { randomBytes } from 'node:crypto';
import { MikroORM, type Options } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { dbConfig, migrateUp } from '@sentiment/db';

/** Set by vitest.config.ts from test/support/services.ts, the one definition of the test services. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL!;

export interface TestSchema {
  orm: MikroORM<PostgreSqlDriver>;
  schema: string;
  /** Drops the schema (cascade) and closes the ORM. */
  drop(): Promise<void>;
}

/** An ORM bound to a fresh, uniquely named schema, migrated up unless `migrate: false`. */
export async function createTestSchema(
  options: { migrate?: boolean; overrides?: Partial<Options<PostgreSqlDriver>> } = {},
): Promise<TestSchema> {
  const schema = `test_db_${randomBytes(6).toString('hex')}`;
  const config = dbConfig({ clientUrl: TEST_DATABASE_URL, schema, poolMax: 4 });
  const orm = await MikroORM.init<PostgreSqlDriver>({
    ...config,
    migrations: { ...config.migrations, silent: true },
    ...options.overrides,
  });
  if (options.migrate !== false) await migrateUp(orm);
  return {
    orm,
    schema,
    async drop() {
      await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await orm.close(true);
    },
  };
}
