import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPredictionWriter, deleteOlderThan, ensurePartitions, listPartitions } from '@sentiment/db';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { makePredictions, randomPredictions, seededRandom } from './support/predictions.js';
import { expectRollupsMatchRows, storedRollups } from './support/rollups.js';

const DAY = 86_400_000;
const MAY1 = new Date('2024-05-01T00:00:00.000Z');

describe('retention by day partitions', () => {
  let db: TestSchema;
  // Every SQL statement the ORM sends, to see that no row is deleted one by one.
  const statements: string[] = [];
  const random = seededRandom(416);

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

  const days = async () =>
    (
      await db.orm.em
        .getConnection()
        .execute<{ day: string; n: number }[]>(
          `select to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as n from "${db.schema}".predictions group by 1 order by 1`,
        )
    ).map((r) => `${r.day} ${r.n}`);
  const partitionNames = async () => (await listPartitions(db.orm)).map((p) => p.name);

  it('drops every day wholly older than the cutoff, keeps the day the cutoff falls in, deletes no row one by one', async () => {
    // 100 rows on each of May 1, 2 and 3, spread over the day.
    const writer = createPredictionWriter(db.orm);
    for (let d = 0; d < 3; d++) await writer.insertMany(randomPredictions(100, random, new Date(MAY1.getTime() + d * DAY), DAY));
    statements.length = 0;

    // The cutoff is inside May 3: May 1 and 2 go whole, May 3's rows before the cutoff stay until May 3 is past.
    const result = await deleteOlderThan(db.orm, new Date(MAY1.getTime() + 2 * DAY + 12 * 3_600_000));
    expect(result).toEqual({ predictions: 200, partitions: ['predictions_20240501', 'predictions_20240502'], comparisons: 0, complete: true });
    expect(await days()).toEqual(['2024-05-03 100']);
    expect(await partitionNames()).not.toContain('predictions_20240502');
    expect(statements.filter((s) => /delete from "[^"]+"\."predictions"/.test(s))).toEqual([]);
    await expectRollupsMatchRows(db);

    // Nothing more is old enough: nothing changes.
    expect(await deleteOlderThan(db.orm, new Date(MAY1.getTime() + 3 * DAY - 1))).toMatchObject({ predictions: 0, partitions: [] });
    expect(await deleteOlderThan(db.orm, new Date(MAY1.getTime() + 3 * DAY))).toMatchObject({ predictions: 100, partitions: ['predictions_20240503'] });
    expect(await days()).toEqual([]);
    expect(await storedRollups(db)).toEqual([]);
  });

  it('creates each missing day once, also for concurrent callers, and nothing for days that have one', async () => {
    const from = new Date('2023-01-30T12:00:00.000Z');
    const to = new Date('2023-02-02T00:00:00.000Z');
    const results = await Promise.all([ensurePartitions(db.orm, from, to), ensurePartitions(db.orm, from, to), ensurePartitions(db.orm, from, to)]);
    expect(results.flat().sort()).toEqual(['predictions_20230130', 'predictions_20230131', 'predictions_20230201', 'predictions_20230202']);
    expect(await ensurePartitions(db.orm, from, to)).toEqual([]);
    const feb1 = (await listPartitions(db.orm)).find((p) => p.name === 'predictions_20230201');
    expect(feb1).toEqual({ name: 'predictions_20230201', from: new Date('2023-02-01T00:00:00.000Z'), to: new Date('2023-02-02T00:00:00.000Z') });
    await expect(ensurePartitions(db.orm, to, from)).rejects.toThrow(RangeError);
  });

  it('the writers create the partition of a day that has none and store its rows', async () => {
    const old = makePredictions(20, {}, new Date('2019-07-04T23:59:50.000Z'));
    expect(await partitionNames()).not.toContain('predictions_20190704');
    expect(await createPredictionWriter(db.orm, { kind: 'sql' }).insertMany(old)).toBe(20);
    expect(await days()).toEqual(['2019-07-04 10', '2019-07-05 10']);
    expect(await partitionNames()).toEqual(expect.arrayContaining(['predictions_20190704', 'predictions_20190705']));
    await expectRollupsMatchRows(db);
  });

  it('keeps the rollups exact for SQL that names a partition itself: insert, update, delete, truncate', async () => {
    await createPredictionWriter(db.orm).insertMany(randomPredictions(300, random, MAY1, 2 * DAY));
    const conn = db.orm.em.getConnection();
    const may1 = `"${db.schema}".predictions_20240501`;
    await conn.execute(`insert into ${may1} (id, "timestamp", predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index)
      select gen_random_uuid(), timestamptz '2024-05-01 06:00:00+00' + i * interval '13 seconds', 'neutral', 0.55, i % 30, 'direct', false, 'direct-sql', i
      from generate_series(1, 200) i`);
    await expectRollupsMatchRows(db);
    await conn.execute(`update ${may1} set latency_ms = latency_ms * 4 where item_index % 3 = 0`);
    await expectRollupsMatchRows(db);
    await conn.execute(`delete from ${may1} where item_index % 4 = 0`);
    await expectRollupsMatchRows(db);
    // Truncating one day takes that day out of the rollups, and only that day.
    await conn.execute(`truncate ${may1}`);
    expect((await days()).map((d) => d.slice(0, 10))).toEqual(['2024-05-02']);
    await expectRollupsMatchRows(db);
  });

  it('rejects a chunk size that is not a positive integer', async () => {
    await expect(deleteOlderThan(db.orm, MAY1, { chunkSize: 0 })).rejects.toThrow(RangeError);
  });
});
