import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPredictionWriter, initOrm, PermanentWriteError, type Orm } from '@sentiment/db';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { makePredictions } from './support/predictions.js';

let db: TestSchema;
let deadOrm: Orm;
beforeAll(async () => {
  db = await createTestSchema();
  deadOrm = await initOrm({ clientUrl: 'postgresql://postgres@127.0.0.1:1/test' });
});
afterAll(async () => {
  await Promise.all([db?.drop(), deadOrm?.close(true)]);
});

const count = async () => {
  const [row] = await db.orm.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from "${db.schema}".predictions`);
  return row!.n;
};

it('refuses a model_version longer than its column before sending anything, naming the column', async () => {
  const rows = makePredictions(3, { modelVersion: 'Xenova/distilbert-base-uncased-finetuned-sst-2-english+0123abcd' });
  const err = await createPredictionWriter(db.orm).insertMany(rows).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PermanentWriteError);
  expect(err).toMatchObject({ code: '22001', column: 'model_version', table: 'predictions' });
  expect((err as Error).message).toMatch(/model_version is 63 characters, longer than the column's 50/);
  expect(await count()).toBe(0);
});

it('turns refusals Postgres reports (constraint, missing table) into permanent errors with their SQLSTATE', async () => {
  const conn = db.orm.em.getConnection();
  await conn.execute(`alter table "${db.schema}".predictions add constraint no_neutral check (predicted_sentiment <> 'neutral') not valid`);
  const writer = createPredictionWriter(db.orm);
  const constraint = await writer.insertMany(makePredictions(3)).catch((e: unknown) => e);
  expect(constraint).toMatchObject({ name: 'PermanentWriteError', code: '23514', constraint: 'no_neutral' });
  // Postgres' own words, not the statement knex puts in front of them.
  // (The row is refused by its day's partition, which the message names.)
  expect((constraint as Error).message).toMatch(
    /^Postgres refused the prediction rows \(SQLSTATE 23514\): new row for relation "predictions_\d{8}" violates check constraint "no_neutral"$/,
  );
  await conn.execute(`alter table "${db.schema}".predictions drop constraint no_neutral`);

  await conn.execute(`alter table "${db.schema}".predictions rename to predictions_moved`);
  try {
    const missing = await writer.insertMany(makePredictions(2)).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'PermanentWriteError', code: '42P01' });
  } finally {
    await conn.execute(`alter table "${db.schema}".predictions_moved rename to predictions`);
  }
  expect(await writer.insertMany(makePredictions(2))).toBe(2);
});

it('leaves an unreachable Postgres as an outage (retried), not a permanent refusal', async () => {
  const err = await createPredictionWriter(deadOrm).insertMany(makePredictions(1)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  expect(err).not.toBeInstanceOf(PermanentWriteError);
});
