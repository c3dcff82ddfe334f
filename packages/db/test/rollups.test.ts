import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPredictionWriter, deleteOlderThan, latencyBin, rebuildRollups, type NewPrediction } from '@sentiment/db';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from './support/test-schema.js';
import { makePredictions, randomPredictions, seededRandom } from './support/predictions.js';
import { expectRollupsMatchRows, storedRollups } from './support/rollups.js';

// Rollups must equal GROUP BY over the raw rows after anything that writes rows: inserts by either
// writer, retried inserts, multi-flush calls, failed calls, concurrent writers, retention and rebuilds.

const DAY0 = new Date('2024-05-01T22:30:00.000Z'); // data crosses midnight, hours and minutes
const SPAN = 3 * 24 * 3600 * 1000;

describe('rollups', () => {
  let db: TestSchema;
  const random = seededRandom(20240501);

  beforeAll(async () => {
    db = await createTestSchema({ overrides: { pool: { min: 0, max: 8 } } });
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    await db.orm.em.getConnection().execute(`truncate "${db.schema}".predictions, "${db.schema}".prediction_rollup, "${db.schema}".prediction_latency_rollup`);
  });

  const count = async () => {
    const [row] = await db.orm.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from "${db.schema}".predictions`);
    return row!.n;
  };

  it('equal GROUP BY over the rows after single- and multi-statement inserts', async () => {
    const writer = createPredictionWriter(db.orm);
    const chunked = createPredictionWriter(db.orm, { rowsPerFlush: 150 });
    const sql = createPredictionWriter(db.orm, { kind: 'sql', rowsPerFlush: 150 });
    expect(await writer.insertMany(randomPredictions(2_000, random, DAY0, SPAN))).toBe(2_000);
    expect(await sql.insertMany(randomPredictions(1_000, random, DAY0, SPAN))).toBe(1_000);
    expect(await chunked.insertMany(randomPredictions(1_000, random, DAY0, SPAN))).toBe(1_000);
    // Many rows in few minutes: cells of different chunks meet in the same minute, model and bin.
    expect(await chunked.insertMany(randomPredictions(700, random, DAY0, 120_000))).toBe(700);
    expect(await writer.insertMany(makePredictions(30, { latencyMs: 1 }))).toBe(30); // exactly on a bin edge
    await expectRollupsMatchRows(db);
  });

  it('count nothing twice: re-inserted rows (a retried job) and partly new batches add only the new rows', async () => {
    const writer = createPredictionWriter(db.orm);
    const chunked = createPredictionWriter(db.orm, { rowsPerFlush: 100 });
    const rows = randomPredictions(1_000, random, DAY0, SPAN);
    expect(await writer.insertMany(rows.slice(0, 600))).toBe(600);
    const before = await storedRollups(db);
    // A retry re-sends the same items under new ids.
    expect(await writer.insertMany(rows.slice(0, 600).map((r) => ({ ...r, id: randomUUID() })))).toBe(0);
    expect(await chunked.insertMany(rows.slice(0, 600))).toBe(0);
    expect(await storedRollups(db)).toEqual(before);
    expect(await chunked.insertMany(rows.map((r) => ({ ...r, id: randomUUID() })))).toBe(400);
    expect(await count()).toBe(1_000);
    await expectRollupsMatchRows(db);
  });

  it('a flush Postgres refuses leaves its rows and their rollups out; earlier flushes stay, counted once', async () => {
    const writer = createPredictionWriter(db.orm, { rowsPerFlush: 100 });
    await writer.insertMany(randomPredictions(300, random, DAY0, SPAN));
    const rows = randomPredictions(250, random, DAY0, SPAN);
    const conn = db.orm.em.getConnection();
    // Refuses one row of the third flush (flushes go in job, item order; one job here).
    await conn.execute(`alter table "${db.schema}".predictions add constraint not_220 check (item_index <> 220) not valid`);
    try {
      await expect(writer.insertMany(rows)).rejects.toThrow(/not_220/);
      await expect(createPredictionWriter(db.orm, { kind: 'sql', rowsPerFlush: 100 }).insertMany(rows)).rejects.toThrow(/not_220/);
    } finally {
      await conn.execute(`alter table "${db.schema}".predictions drop constraint not_220`);
    }
    expect(await count()).toBe(300 + 200);
    await expectRollupsMatchRows(db);
  });

  it('stay exact under concurrent writers sending overlapping batches to the same buckets', async () => {
    const writers = [createPredictionWriter(db.orm), createPredictionWriter(db.orm, { rowsPerFlush: 64 }), createPredictionWriter(db.orm, { kind: 'sql', rowsPerFlush: 64 })];
    // 8 jobs of 400 rows in the same 5 minutes; every job is sent 3 times (retries), in batches.
    const jobs = Array.from({ length: 8 }, () => randomPredictions(400, random, DAY0, 5 * 60_000, ['v1', 'v2']));
    const calls: NewPrediction[][] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const job of jobs) {
        for (let start = attempt * 37; start < job.length; start += 150) calls.push(job.slice(start, start + 150));
        if (attempt > 0) calls.push(job.slice(0, attempt * 37));
      }
    }
    calls.sort(() => random() - 0.5);
    const inserted = await Promise.all(calls.map((batch, i) => writers[i % writers.length]!.insertMany(batch)));
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(8 * 400);
    expect(await count()).toBe(8 * 400);
    await expectRollupsMatchRows(db);
  });

  it('follow deletes: deleted rows leave the rollups, emptied buckets go, maxima are recomputed', async () => {
    const writer = createPredictionWriter(db.orm);
    await writer.insertMany(randomPredictions(3_000, random, DAY0, SPAN));
    // Row deletes as a user's SQL runs them: cutoffs inside a minute, at an hour, after a day, in chunks.
    const deleteBefore = async (cutoff: number, chunk: number) => {
      for (;;) {
        const [row] = await db.orm.em.getConnection().execute<{ n: number }[]>(
          `with del as (delete from "${db.schema}".predictions where id in (select id from "${db.schema}".predictions where "timestamp" < ? order by "timestamp" limit ?) returning 1)
           select count(*)::int as n from del`,
          [new Date(cutoff), chunk],
        );
        if (row!.n < chunk) return;
      }
    };
    for (const [cutoff, chunk] of [[DAY0.getTime() + 90_500, 7], [DAY0.getTime() + 9_000_000, 13], [DAY0.getTime() + 30 * 3_600_000, 500]] as const) {
      await deleteBefore(cutoff, chunk);
      await expectRollupsMatchRows(db);
    }
  });

  it('follow retention: whole days leave the rollups with their partitions, the rest stay exact', async () => {
    const writer = createPredictionWriter(db.orm);
    await writer.insertMany(randomPredictions(3_000, random, DAY0, SPAN));
    const midnight = Math.ceil(DAY0.getTime() / 86_400_000) * 86_400_000;
    // Mid-day: no day is wholly older, nothing goes. Then one day, then the rest.
    expect(await deleteOlderThan(db.orm, new Date(midnight - 1))).toMatchObject({ predictions: 0, partitions: [] });
    const first = await deleteOlderThan(db.orm, new Date(midnight + 3_600_000));
    expect(first).toMatchObject({ partitions: ['predictions_20240501'], complete: true });
    expect(first.predictions).toBeGreaterThan(0);
    expect(await count()).toBe(3_000 - first.predictions);
    await expectRollupsMatchRows(db);
    await deleteOlderThan(db.orm, new Date(DAY0.getTime() + SPAN + 86_400_000));
    expect(await count()).toBe(0);
    expect(await storedRollups(db)).toEqual([]);
  });

  it('stay exact when retention drops a day while writers insert into it (its partition comes back)', async () => {
    const writer = createPredictionWriter(db.orm);
    const other = createPredictionWriter(db.orm, { kind: 'sql' });
    await writer.insertMany(randomPredictions(2_000, random, DAY0, 3_600_000));
    // Drops the day of DAY0 (2024-05-01) while batches for that day keep arriving.
    const cutoff = new Date('2024-05-02T00:00:00.000Z');
    const batches = Array.from({ length: 20 }, () => randomPredictions(100, random, DAY0, 1_200_000));
    const results = await Promise.allSettled([
      deleteOlderThan(db.orm, cutoff),
      deleteOlderThan(db.orm, cutoff),
      ...batches.map((b, i) => (i % 2 ? writer : other).insertMany(b)),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await expectRollupsMatchRows(db);
    // Once more without the race: both writers last wrote that day; it is gone; their next rows for it
    // create it again and are stored.
    await deleteOlderThan(db.orm, cutoff);
    expect(await count()).toBe(0);
    expect(await writer.insertMany(randomPredictions(50, random, DAY0, 60_000))).toBe(50);
    expect(await other.insertMany(randomPredictions(50, random, DAY0, 60_000))).toBe(50);
    expect(await count()).toBe(100);
    await expectRollupsMatchRows(db);
  });

  it('rebuildRollups repairs the days of a range after rows were loaded with the triggers off', async () => {
    const writer = createPredictionWriter(db.orm);
    await writer.insertMany(randomPredictions(500, random, DAY0, SPAN));
    const conn = db.orm.em.getConnection();
    // What pg_restore --disable-triggers does: rows arrive behind the rollups' back, on the second day only.
    await conn.execute(`alter table "${db.schema}".predictions disable trigger predictions_rollup_insert`);
    try {
      await conn.execute(
        `insert into "${db.schema}".predictions (id, "timestamp", predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index)
         select gen_random_uuid(), ?::timestamptz + i * interval '7 seconds', 'neutral', 0.55, i % 40, 'copied', i % 3 = 0, 'copy', i
         from generate_series(1, 3000) i`,
        [new Date('2024-05-02T08:00:00.000Z')],
      );
    } finally {
      await conn.execute(`alter table "${db.schema}".predictions enable trigger predictions_rollup_insert`);
    }
    await expect(expectRollupsMatchRows(db)).rejects.toThrow();
    await rebuildRollups(db.orm, { from: new Date('2024-05-02T08:00:00.000Z'), to: new Date('2024-05-02T14:00:00.000Z') });
    await expectRollupsMatchRows(db);
    await conn.execute(`truncate "${db.schema}".prediction_rollup, "${db.schema}".prediction_latency_rollup`);
    await rebuildRollups(db.orm);
    await expectRollupsMatchRows(db);
  });

  it('npm run rollups:rebuild repairs them from the command line, in the schema DATABASE_SCHEMA names', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    await createPredictionWriter(db.orm).insertMany(randomPredictions(400, random, DAY0, SPAN));
    await db.orm.em.getConnection().execute(`truncate "${db.schema}".prediction_rollup, "${db.schema}".prediction_latency_rollup`);
    await expect(expectRollupsMatchRows(db)).rejects.toThrow();
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'rollups:rebuild'], {
      env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: db.schema },
    });
    expect(stdout).toMatch(/rollups rebuilt in \d/);
    await expectRollupsMatchRows(db);
  }, 60_000);

  it('bins latencies in SQL exactly as latencyBin does, edges included', async () => {
    const edges = Array.from({ length: 23 * 8 + 1 }, (_, k) => 2 ** -6 * 2 ** (k / 8));
    const values = [0, 1e-9, 2 ** -6, 0.5, 1, 2, 3, 1000, 2 ** 17, 1e9, ...edges, ...edges.map((e) => e * (1 + 1e-6)), ...edges.map((e) => e * (1 - 1e-6))];
    for (let i = 0; i < 500; i++) values.push(Math.exp(random() * 30 - 8));
    const rows = await db.orm.em
      .getConnection()
      .execute<{ bin: number }[]>(
        `select "${db.schema}".prediction_latency_bin(v::float8) as bin from json_array_elements_text(?::json) with ordinality as t(v, i) order by i`,
        [JSON.stringify(values)],
      );
    expect(rows.map((r) => r.bin)).toEqual(values.map(latencyBin));
    // Every value lies inside its bin: [2^-6 * 2^((b-1)/8), 2^-6 * 2^(b/8)), up to the 1e-9 edge nudge.
    for (const v of values.filter((x) => x >= 2 ** -6 && x < 2 ** 17)) {
      const b = latencyBin(v);
      expect(v).toBeGreaterThanOrEqual(2 ** -6 * 2 ** ((b - 1) / 8) * (1 - 1e-9));
      expect(v).toBeLessThan(2 ** -6 * 2 ** (b / 8));
    }
  });
});
