import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPredictionWriter, deleteOlderThan } from '@sentiment/db';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { makePredictions } from './support/predictions.js';
import { expectRollupsMatchRows } from './support/rollups.js';

const CUTOFF = new Date('2024-05-01T00:00:00.000Z');

describe('deleteOlderThan', () => {
  let db: TestSchema;
  // Every SQL statement the ORM sends, to see how the deletes are chunked.
  const statements: string[] = [];

  beforeAll(async () => {
    db = await createTestSchema({
      overrides: { debug: ['query'], logger: (message: string) => void statements.push(message) },
    });
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    await db.orm.em.getConnection().execute(`truncate "${db.schema}".predictions, "${db.schema}".prediction_rollup, "${db.schema}".prediction_latency_rollup`);
    statements.length = 0;
  });

  const timestamps = async () =>
    (
      await db.orm.em
        .getConnection()
        .execute<{ ts: Date }[]>(`select "timestamp" as ts from "${db.schema}".predictions order by "timestamp"`)
    ).map((r) => new Date(r.ts).toISOString());
  const deleteStatements = () => statements.filter((s) => /delete from "[^"]+"\."predictions"/.test(s));

  /** `old` rows one second apart ending 1 ms before CUTOFF, and `fresh` rows from CUTOFF on. */
  async function seed(old: number, fresh: number) {
    const writer = createPredictionWriter(db.orm);
    await writer.insertMany(makePredictions(old, {}, new Date(CUTOFF.getTime() - old * 1000 + 999)));
    await writer.insertMany(makePredictions(fresh, {}, CUTOFF));
    statements.length = 0;
  }

  it('deletes only rows older than the cutoff; a row exactly at the cutoff stays', async () => {
    await seed(30, 20);
    expect(await deleteOlderThan(db.orm, CUTOFF)).toBe(30);
    const left = await timestamps();
    expect(left).toHaveLength(20);
    expect(left[0]).toBe(CUTOFF.toISOString());
    await expectRollupsMatchRows(db);
  });

  it('deletes in chunks of chunkSize rows, one statement each, until none are left', async () => {
    await seed(12, 5);
    expect(await deleteOlderThan(db.orm, CUTOFF, { chunkSize: 5 })).toBe(12);
    // 5 + 5 + 2: the short chunk shows there is nothing more, so no fourth statement.
    expect(deleteStatements()).toHaveLength(3);
    expect(await timestamps()).toHaveLength(5);
  });

  it('stops at maxRows, oldest rows first, and the next call carries on', async () => {
    await seed(12, 5);
    expect(await deleteOlderThan(db.orm, CUTOFF, { chunkSize: 5, maxRows: 7 })).toBe(7);
    expect(deleteStatements()).toHaveLength(2); // 5 + 2
    const left = await timestamps();
    expect(left).toHaveLength(10);
    // The 5 survivors of the old rows are the newest of them.
    expect(left.slice(0, 5)).toEqual(Array.from({ length: 5 }, (_, i) => new Date(CUTOFF.getTime() - (5 - i) * 1000 + 999).toISOString()));
    await expectRollupsMatchRows(db);
    expect(await deleteOlderThan(db.orm, CUTOFF, { chunkSize: 5 })).toBe(5);
    expect(await timestamps()).toHaveLength(5);
    await expectRollupsMatchRows(db);
  });

  it('returns 0 and sends one statement when nothing is old enough', async () => {
    await seed(0, 10);
    expect(await deleteOlderThan(db.orm, CUTOFF)).toBe(0);
    expect(deleteStatements()).toHaveLength(1);
    expect(await timestamps()).toHaveLength(10);
  });

  it('rejects a chunk size that is not a positive integer', async () => {
    await expect(deleteOlderThan(db.orm, CUTOFF, { chunkSize: 0 })).rejects.toThrow(RangeError);
  });
});
