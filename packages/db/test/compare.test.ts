import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENTIMENTS } from '@sentiment/core';
import {
  createAnalyticsRepository,
  createComparisonWriter,
  deleteOlderThan,
  LATENCY_RELATIVE_ERROR,
  PermanentWriteError,
  type AnalyticsRepository,
  type CompareOptions,
} from '@sentiment/db';
import { comparisonRollups, expectComparisonRollupsMatchRebuild, randomComparisons, VERSIONS } from './support/comparisons.js';
import { seededRandom } from './support/predictions.js';
import { createTestSchema, type TestSchema } from './support/test-schema.js';

// GET /analytics/compare's answer, read from the comparison rollups and the raw rows at range edges,
// equals plain SQL over model_comparisons; the writer is idempotent; retention keeps the rollups exact.

const START = Date.parse('2024-05-01T21:00:00.000Z');
const SPAN = 3 * 24 * 3600 * 1000;
const MIN_BIN_MS = 2 ** -6;
const { A1, A2, B1, C1 } = VERSIONS;

describe('compare equals plain SQL over model_comparisons', () => {
  let db: TestSchema;
  let repo: AnalyticsRepository;

  beforeAll(async () => {
    db = await createTestSchema();
    await createComparisonWriter(db.orm).write(randomComparisons(6_000, seededRandom(5), new Date(START), SPAN));
    repo = createAnalyticsRepository(db.orm);
  });
  afterAll(() => db?.drop());

  /** Whether `column` matches a reference, written independently of the code: a version, or a name's versions. */
  const refMatch = (ref: string, column: string) => (ref.includes('+') ? `${column} = '${ref}'` : `split_part(${column}, '+', 1) = '${ref}'`);

  async function expected(o: CompareOptions) {
    const servingIsA = `(${refMatch(o.a, 'serving_version')} and ${refMatch(o.b, 'shadow_version')})`;
    const servingIsB = `(${refMatch(o.b, 'serving_version')} and ${refMatch(o.a, 'shadow_version')})`;
    const side = (a: string, b: string) => `case when ${servingIsA} then ${a} else ${b} end`;
    const range = [o.from && `"timestamp" >= ?`, o.to && `"timestamp" < ?`].filter(Boolean);
    const pairs = `select ${side('serving_sentiment', 'shadow_sentiment')} as a_s, ${side('shadow_sentiment', 'serving_sentiment')} as b_s,
        ${side('serving_confidence', 'shadow_confidence')} as a_c, ${side('shadow_confidence', 'serving_confidence')} as b_c,
        ${side('serving_latency_ms', 'shadow_latency_ms')} as a_l, ${side('shadow_latency_ms', 'serving_latency_ms')} as b_l
      from "${db.schema}".model_comparisons where (${servingIsA} or ${servingIsB}) ${range.map((r) => `and ${r}`).join(' ')}`;
    const params = [o.from, o.to].filter(Boolean);
    const conn = db.orm.em.getConnection();
    const cells = await conn.execute<{ a_s: string; b_s: string; n: string }[]>(`select a_s, b_s, count(*) as n from (${pairs}) p group by 1, 2`, params);
    const pct = (p: number, column: string) => `percentile_disc(${p}) within group (order by ${column})`;
    const [stats] = await conn.execute<Record<string, string | number | null>[]>(
      `select count(*) as n, avg(a_c) as a_c, avg(b_c) as b_c, max(a_l) as a_max, max(b_l) as b_max,
         ${pct(0.5, 'a_l')} as a50, ${pct(0.95, 'a_l')} as a95, ${pct(0.99, 'a_l')} as a99,
         ${pct(0.5, 'b_l')} as b50, ${pct(0.95, 'b_l')} as b95, ${pct(0.99, 'b_l')} as b99
       from (${pairs}) p`,
      params,
    );
    return { cells, stats: stats! };
  }

  const r = seededRandom(77);
  const at = () => START - 3_600_000 + Math.floor(r() * (SPAN + 2 * 3_600_000));
  const align = (t: number, unit: number) => Math.floor(t / unit) * unit;
  const refs: [string, string][] = [
    [A1, B1], [B1, A1], ['alpha', B1], ['beta', 'alpha'], [A1, 'gamma'], ['alpha', 'gamma'], [A2, C1], ['delta', 'alpha'],
  ];
  const cases: [string, CompareOptions][] = [
    ['alpha vs beta, everything', { a: 'alpha', b: 'beta' }],
    ['beta+ vs alpha, from only', { a: B1, b: 'alpha', from: new Date(at()) }],
    ['alpha+ vs beta+, to only', { a: A1, b: B1, to: new Date(at()) }],
    ['inside one minute', { a: 'alpha', b: 'beta', from: new Date(START + 3_600_000 + 1_234), to: new Date(START + 3_600_000 + 51_000) }],
    ['before any row', { a: 'alpha', b: 'beta', to: new Date(START - 1) }],
  ];
  for (let i = 0; i < 16; i++) {
    const [lo, hi] = [at(), at()].sort((x, y) => x - y);
    const unit = [1, 1, 60_000, 3_600_000][i % 4]!;
    const from = align(lo!, unit);
    const [a, b] = refs[i % refs.length]!;
    cases.push([`${a} vs ${b}, random range ${i} (unit ${unit} ms)`, { a, b, from: new Date(from), to: new Date(Math.max(align(hi!, unit), from + unit)) }]);
  }

  it.each(cases)('%s', async (_name, o) => {
    const got = await repo.compare(o);
    const { cells, stats } = await expected(o);
    const n = Number(stats.n);
    expect(got.pairs).toBe(n);
    expect([got.a, got.b, got.from, got.to]).toEqual([o.a, o.b, o.from?.toISOString() ?? null, o.to?.toISOString() ?? null]);

    const confusion = Object.fromEntries(SENTIMENTS.map((s) => [s, Object.fromEntries(SENTIMENTS.map((t) => [t, 0]))]));
    for (const c of cells) confusion[c.a_s]![c.b_s] = Number(c.n);
    expect(got.confusion).toEqual(confusion);
    const agreed = SENTIMENTS.reduce((sum, s) => sum + confusion[s]![s]!, 0);
    if (n === 0) expect(got.agreement).toBeNull();
    else expect(got.agreement).toBeCloseTo(agreed / n, 12);
    for (const s of SENTIMENTS) {
      expect(got.a_stats.counts[s]).toBe(SENTIMENTS.reduce((sum, t) => sum + confusion[s]![t]!, 0));
      expect(got.b_stats.counts[s]).toBe(SENTIMENTS.reduce((sum, t) => sum + confusion[t]![s]!, 0));
    }

    for (const [sideStats, p] of [[got.a_stats, 'a'], [got.b_stats, 'b']] as const) {
      if (n === 0) expect(sideStats.mean_confidence).toBeNull();
      else expect(sideStats.mean_confidence).toBeCloseTo(Number(stats[`${p}_c`]), 9);
      expect(sideStats.latency.count).toBe(n);
      expect(sideStats.latency.max_ms).toBe(stats[`${p}_max`] === null ? null : Number(stats[`${p}_max`]));
      // Percentiles within the stated resolution of the nearest-rank ones (or half the first bin below it).
      for (const q of ['50', '95', '99'] as const) {
        const exact = stats[`${p}${q}`];
        const value = sideStats.latency[`p${q}_ms`];
        if (exact === null || exact === undefined) expect(value).toBeNull();
        else if (Number(exact) < MIN_BIN_MS) expect(Math.abs(value! - Number(exact))).toBeLessThanOrEqual(MIN_BIN_MS / 2);
        else expect(Math.abs(value! / Number(exact) - 1)).toBeLessThanOrEqual(LATENCY_RELATIVE_ERROR + 1e-9);
      }
    }
    expect(got.resolution).toMatch(/bins per doubling/);
  });

  it('counts a pair the same from both orientations: a against b mirrors b against a', async () => {
    const ab = await repo.compare({ a: 'alpha', b: 'beta' });
    const ba = await repo.compare({ a: 'beta', b: 'alpha' });
    expect(ab.pairs).toBeGreaterThan(0);
    expect(ba.pairs).toBe(ab.pairs);
    expect({ ...ba.a_stats, mean_confidence: 0 }).toEqual({ ...ab.b_stats, mean_confidence: 0 });
    expect(ba.a_stats.mean_confidence).toBeCloseTo(ab.b_stats.mean_confidence!, 12);
    for (const s of SENTIMENTS) for (const t of SENTIMENTS) expect(ba.confusion[s][t]).toBe(ab.confusion[t][s]);
  });
});

describe('createComparisonWriter', () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema();
  });
  afterAll(() => db?.drop());
  const count = async () => Number((await db.orm.em.getConnection().execute<{ n: string }[]>(`select count(*) as n from "${db.schema}".model_comparisons`))[0]!.n);

  it('stores each (job, item, shadow version) once, also with writers racing on the same rows', async () => {
    const rows = randomComparisons(3_000, seededRandom(11), new Date(START), 3_600_000);
    // Small flushes, overlapping row sets, in different orders: the writers meet each other's rows mid-write.
    const writers = [createComparisonWriter(db.orm, { batchSize: 200 }), createComparisonWriter(db.orm, { batchSize: 333 }), createComparisonWriter(db.orm)];
    await Promise.all([writers[0]!.write(rows), writers[1]!.write([...rows].reverse()), writers[2]!.write(rows.slice(1_000, 2_500)), writers[0]!.write(rows.slice(0, 700))]);
    expect(await count()).toBe(3_000);
    const before = await comparisonRollups(db);
    // Again, and with other ids: the key decides.
    await writers[1]!.write(rows);
    await writers[2]!.write(rows.slice(0, 100).map((r) => ({ ...r, id: '00000000-0000-4000-8000-000000000000', servingConfidence: 0.1 })));
    expect(await count()).toBe(3_000);
    expect(await comparisonRollups(db)).toEqual(before);
    await expectComparisonRollupsMatchRebuild(db);
  });

  it('refuses rows retrying cannot fix with a PermanentWriteError naming the column, storing none of them', async () => {
    const [row] = randomComparisons(1, seededRandom(12), new Date(START + SPAN), 1_000);
    const before = await count();
    const tooLong = createComparisonWriter(db.orm).write([{ ...row!, shadowVersion: `x${'y'.repeat(60)}+0000000a` }]);
    await expect(tooLong).rejects.toBeInstanceOf(PermanentWriteError);
    await expect(tooLong).rejects.toMatchObject({ code: '22001', column: 'shadow_version' });
    await expect(createComparisonWriter(db.orm).write([{ ...row!, servingSentiment: 'joyful' as never }])).rejects.toMatchObject({ code: 'invalid_row', column: 'serving_sentiment' });
    // Postgres' own refusal: an invalid uuid.
    await expect(createComparisonWriter(db.orm).write([{ ...row!, id: 'not-a-uuid' }])).rejects.toMatchObject({ name: 'PermanentWriteError', code: '22P02' });
    expect(await count()).toBe(before);
  });
});

describe('retention of comparison rows', () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema();
  });
  afterAll(() => db?.drop());
  const oldest = async () => {
    const [row] = await db.orm.em.getConnection().execute<{ t: string | null; n: string }[]>(`select min("timestamp") as t, count(*) as n from "${db.schema}".model_comparisons`);
    return { t: row!.t === null ? null : new Date(row!.t), n: row!.n };
  };

  it('deletes pairs older than the cutoff in chunks, and the rollups stay equal to a rebuild', async () => {
    await createComparisonWriter(db.orm).write(randomComparisons(4_000, seededRandom(21), new Date(START), 2 * 86_400_000));
    const cutoffs = [START + 1_830_500, START + 7_200_000 + 1_800_000, START + 30 * 3_600_000];
    expect((await deleteOlderThan(db.orm, new Date(cutoffs[0]!), { chunkSize: 7 })).comparisons).toBeGreaterThan(0);
    expect((await oldest()).t!.getTime()).toBeGreaterThanOrEqual(cutoffs[0]!);
    await expectComparisonRollupsMatchRebuild(db);
    // A capped run stops at maxRows, says it is incomplete, and the next carries on.
    expect(await deleteOlderThan(db.orm, new Date(cutoffs[1]!), { chunkSize: 13, maxRows: 40 })).toMatchObject({ comparisons: 40, complete: false });
    await expectComparisonRollupsMatchRebuild(db);
    await deleteOlderThan(db.orm, new Date(cutoffs[2]!), { chunkSize: 500 });
    expect((await oldest()).t!.getTime()).toBeGreaterThanOrEqual(cutoffs[2]!);
    await expectComparisonRollupsMatchRebuild(db);
    await deleteOlderThan(db.orm, new Date(START + 2 * 86_400_000));
    expect(Number((await oldest()).n)).toBe(0);
    expect(await comparisonRollups(db)).toEqual({ rollup: [], latency: [] });
  });

  it('stay exact for any client’s own SQL: insert from another search_path, update, delete, truncate', async () => {
    const conn = db.orm.em.getConnection();
    const t = `"${db.schema}".model_comparisons`;
    await conn.execute(`set search_path to public; insert into ${t} (id, "timestamp", job_id, item_index, serving_version, serving_sentiment, serving_confidence,
        serving_latency_ms, shadow_version, shadow_sentiment, shadow_confidence, shadow_latency_ms)
      select gen_random_uuid(), timestamptz '2024-06-01 08:00:00+00' + i * interval '7 seconds', 'own-sql', i, 'alpha+0000000a', (array['negative','neutral','positive'])[1 + i % 3],
        0.5 + (i % 50) / 100.0, i % 40, 'beta+0000000b', (array['negative','neutral','positive'])[1 + i % 2], 0.4 + (i % 60) / 100.0, (i % 23) * 1.5
      from generate_series(1, 2000) i; reset search_path`);
    await expectComparisonRollupsMatchRebuild(db);
    await conn.execute(`update ${t} set shadow_latency_ms = shadow_latency_ms * 3, shadow_sentiment = 'neutral', "timestamp" = "timestamp" + interval '90 seconds' where item_index % 4 = 0`);
    await expectComparisonRollupsMatchRebuild(db);
    await conn.execute(`delete from ${t} where item_index % 5 = 0`);
    await expectComparisonRollupsMatchRebuild(db);
    await conn.execute(`truncate ${t}`);
    expect(await comparisonRollups(db)).toEqual({ rollup: [], latency: [] });
  });
});
