// Real Redis and Postgres for tests, isolated per test file: own queue prefix, own schema.
import { randomBytes } from 'node:crypto';
import { initOrm, migrateUp, type Orm } from '@sentiment/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';

// Set by vitest.config.ts from test/support/services.ts, the one definition of the test services.
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL!;
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL!;
/** A port nothing listens on: connections are really refused (no mock). */
export const UNREACHABLE_DATABASE_URL = 'postgresql://postgres@127.0.0.1:1/test';

export const testLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export const uniqueId = (): string => randomBytes(6).toString('hex');

export function redisConnection(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
}

/** Removes every key of `queues` under `prefix` (obliterate), then closes them. */
export async function obliterateAll(queues: Queue[]): Promise<void> {
  for (const q of queues) {
    await q.obliterate({ force: true });
    await q.close();
  }
}

export interface TestSchema {
  orm: Orm;
  schema: string;
  drop(): Promise<void>;
}

/** An ORM bound to a fresh schema with the db package's migrations applied. */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `test_worker_${uniqueId()}`;
  const orm = await initOrm({ clientUrl: TEST_DATABASE_URL, schema, poolMax: 4 });
  await migrateUp(orm);
  return {
    orm,
    schema,
    async drop() {
      await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await orm.close(true);
    },
  };
}

/** An ORM whose every query really fails: Postgres "down" for the writer. */
export function unreachableOrm(): Promise<Orm> {
  return initOrm({ clientUrl: UNREACHABLE_DATABASE_URL });
}

export interface StoredRow {
  id: string;
  job_id: string;
  item_index: number;
  predicted_sentiment: string;
  input_text: string | null;
  model_version: string;
}

export async function rowsOfJob(db: TestSchema, jobId: string): Promise<StoredRow[]> {
  return db.orm.em
    .getConnection()
    .execute(
      `select id, job_id, item_index, predicted_sentiment, input_text, model_version from "${db.schema}".predictions where job_id = ? order by item_index`,
      [jobId],
    );
}
