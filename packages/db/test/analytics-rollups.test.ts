import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_MS, TIMESERIES_BUCKETS } from '@sentiment/core';
import {
  createAnalyticsRepository,
  createPredictionWriter,
  LATENCY_RELATIVE_ERROR,
  type AnalyticsFilters,
  type AnalyticsRepository,
} from '@sentiment/db';
import { rawRowsWhere } from './support/filters.js';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { makePredictions, randomPredictions, seededRandom } from './support/predictions.js';

// Every aggregate read from the rollups equals the same question asked of the raw rows in SQL, over
// ranges that cut days, hours and minutes anywhere (edges included), with and without a model filter.

const START = Date.parse('2024-05-01T21:00:00.000Z');
const SPAN = 3 * 24 * 3600 * 1000;
const MIN_BIN_MS = 2 ** -6;

describe('analytics from rollups equal direct SQL', () => {
  let db: TestSchema;
  let repo: AnalyticsRepository;
  const random = seededRandom(42);

  beforeAll(async () => {
    db = await createTestSchema();
    const writer = createPredictionWriter(db.orm);
    await writer.insertMany(randomPredictions(4_000, random, new Date(START), SPAN));
    // Rows exactly on minute starts, so range bounds fall on rows (from inclusive, to exclusive).
    await writer.insertMany(makePredictions(300, { modelVersion: 'v2' }, new Date(START + 5 * 3_600_000)).map((r, i) => ({ ...r, timestamp: new Date(START + 5 * 3_600_000 + i * 60_000) })));
    repo = createAnalyticsRepository(db.orm);
  });
  afterAll(() => db?.drop());

  const sql = <T>(text: string, params: unknown[] = []) => db.orm.em.getConnection().execute<T[]>(text.replaceAll('prediction', `"${db.schema}".predictions`), params);
  const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());

  /** Ranges of every shape: open ends, random milliseconds, aligned to minutes/hours/days, inside one minute. */
  const r = seededRandom(99);
  const at = () => START - 3_600_000 + Math.floor(r() * (SPAN + 2 * 3_600_000));
  const align = (t: number, unit: number) => Math.floor(t / unit) * unit;
  const ranges: [string, AnalyticsFilters][] = [
    ['everything', {}],
    ['model only', { modelVersion: 'v2' }],
    ['unknown model', { modelVersion: 'nope' }],
    ['from only', { from: new Date(at()) }],
    ['to only', { to: new Date(at()) }],
    ['on row timestamps', { from: new Date(START + 5 * 3_600_000 + 7 * 60_000), to: new Date(START + 5 * 3_600_000 + 190 * 60_000) }],
    ['inside one minute', { from: new Date(START + 3_600_000 + 1_234), to: new Date(START + 3_600_000 + 51_000) }],
    ['whole days', { from: new Date(align(START, 86_400_000) + 86_400_000), to: new Date(align(START, 86_400_000) + 3 * 86_400_000) }],
    ['before any row', { to: new Date(START - 1) }],
  ];
  for (let i = 0; i < 14; i++) {
    const [a, b] = [at(), at()].sort((x, y) => x - y);
    const unit = [1, 1, 60_000, 3_600_000][i % 4]!;
    const from = align(a, unit);
    const to = Math.max(align(b, unit), from + unit);
    ranges.push([`random ${i} (unit ${unit} ms)`, { from: new Date(from), to: new Date(to), modelVersion: i % 3 === 0 ? 'v1' : undefined }]);
  }

  it.each(ranges)('summary, distribution and models: %s', async (_name, f) => {
    const w = rawRowsWhere(f);
    const [row] = await sql<Record<string, unknown>>(
      `select count(*) as n, avg(confidence_score) as c, avg(latency_ms) as l, avg(cache_hit::int) as h, min("timestamp") as lo, max("timestamp") as hi,
         count(*) filter (where predicted_sentiment = 'negative') as neg, count(*) filter (where predicted_sentiment = 'neutral') as neu,
         count(*) filter (where predicted_sentiment = 'positive') as pos
       from prediction ${w.text}`,
      w.params,
    );
    const n = Number(row!.n);
    const summary = await repo.summary(f);
    expect(summary.total_predictions).toBe(n);
    expect(summary.date_range).toEqual({ earliest: iso(row!.lo), latest: iso(row!.hi) });
    for (const [got, want] of [[summary.avg_confidence, row!.c], [summary.avg_latency_ms, row!.l], [summary.cache_hit_rate, row!.h]] as const) {
      if (want === null) expect(got).toBeNull();
      else expect(got).toBeCloseTo(Number(want), 9);
    }
    expect(await repo.distribution(f)).toEqual({ negative: Number(row!.neg), neutral: Number(row!.neu), positive: Number(row!.pos) });

    const perModel = await sql<Record<string, unknown>>(
      `select model_version, count(*) as n, avg(confidence_score) as c, avg(latency_ms) as l, avg(cache_hit::int) as h,
         min("timestamp") as lo, max("timestamp") as hi,
         count(*) filter (where predicted_sentiment = 'negative') as neg, count(*) filter (where predicted_sentiment = 'neutral') as neu,
         count(*) filter (where predicted_sentiment = 'positive') as pos
       from prediction ${w.text} group by model_version order by max("timestamp") desc, model_version`,
      w.params,
    );
    const models = await repo.models(f);
    expect(models.map((m) => m.model_version)).toEqual(perModel.map((m) => m.model_version));
    models.forEach((m, i) => {
      const e = perModel[i]!;
      expect(m).toEqual({
        model_version: e.model_version,
        total: Number(e.n),
        counts: { negative: Number(e.neg), neutral: Number(e.neu), positive: Number(e.pos) },
        avg_confidence: expect.closeTo(Number(e.c), 9),
        avg_latency_ms: expect.closeTo(Number(e.l), 9),
        cache_hit_rate: expect.closeTo(Number(e.h), 9),
        first_seen: iso(e.lo),
        last_seen: iso(e.hi),
      });
    });
  });

  it.each(ranges)('latency percentiles within the stated resolution, count and max exact: %s', async (_name, f) => {
    const w = rawRowsWhere(f);
    const [row] = await sql<Record<string, number | string | null>>(
      `select count(*) as n, max(latency_ms) as max,
         percentile_disc(0.5) within group (order by latency_ms) as d50, percentile_cont(0.5) within group (order by latency_ms) as c50,
         percentile_disc(0.95) within group (order by latency_ms) as d95, percentile_cont(0.95) within group (order by latency_ms) as c95,
         percentile_disc(0.99) within group (order by latency_ms) as d99, percentile_cont(0.99) within group (order by latency_ms) as c99
       from prediction ${w.text}`,
      w.params,
    );
    const stats = await repo.latency(f);
    expect(stats.count).toBe(Number(row!.n));
    expect(stats.max_ms).toBe(row!.max === null ? null : Number(row!.max));
    expect(stats.resolution).toMatch(/bins per doubling/);
    /** Within ±LATENCY_RELATIVE_ERROR of `exact`, or within half the first bin below it. */
    const near = (got: number | null, exact: number | string | null | undefined) => {
      if (exact === null || exact === undefined) return expect(got).toBeNull();
      const x = Number(exact);
      if (x < MIN_BIN_MS) return expect(Math.abs(got! - x)).toBeLessThanOrEqual(MIN_BIN_MS / 2);
      expect(Math.abs(got! / x - 1)).toBeLessThanOrEqual(LATENCY_RELATIVE_ERROR + 1e-9);
    };
    near(stats.p50_ms, row!.d50);
    near(stats.p95_ms, row!.d95);
    near(stats.p99_ms, row!.d99);
    // percentile_cont interpolates between neighbouring rows; with this many rows they sit in the same bin.
    if (Number(row!.n) >= 1_000) {
      near(stats.p50_ms, row!.c50);
      near(stats.p95_ms, row!.c95);
    }
  });

  it.each(ranges.filter(([, f]) => f.from && f.to).flatMap(([name, f]) => TIMESERIES_BUCKETS.map((b) => [`${name}, by ${b}`, f, b] as const)))(
    'timeseries: %s',
    async (_name, f, bucket) => {
      const w = rawRowsWhere(f);
      const rows = await sql<Record<string, unknown>>(
        `select date_trunc('${bucket}', "timestamp", 'UTC') as start, count(*) as n, avg(confidence_score) as c, avg(latency_ms) as l,
           count(*) filter (where predicted_sentiment = 'negative') as neg, count(*) filter (where predicted_sentiment = 'neutral') as neu,
           count(*) filter (where predicted_sentiment = 'positive') as pos
         from prediction ${w.text} group by 1`,
        w.params,
      );
      const byStart = new Map(rows.map((x) => [new Date(x.start as string).toISOString(), x]));
      const series = await repo.timeseries({ bucket, from: f.from!, to: f.to!, modelVersion: f.modelVersion });
      const unit = BUCKET_MS[bucket];
      const first = Math.floor(f.from!.getTime() / unit) * unit;
      expect(series.points.map((p) => p.start)).toEqual(
        Array.from({ length: Math.ceil((f.to!.getTime() - first) / unit) }, (_, i) => new Date(first + i * unit).toISOString()),
      );
      expect(series.points.reduce((sum, p) => sum + p.total, 0)).toBe(rows.reduce((sum, x) => sum + Number(x.n), 0));
      for (const p of series.points) {
        const e = byStart.get(p.start);
        expect(p.total).toBe(Number(e?.n ?? 0));
        expect(p.counts).toEqual({ negative: Number(e?.neg ?? 0), neutral: Number(e?.neu ?? 0), positive: Number(e?.pos ?? 0) });
        if (!e) expect([p.avg_confidence, p.avg_latency_ms]).toEqual([null, null]);
        else {
          expect(p.avg_confidence).toBeCloseTo(Number(e.c), 9);
          expect(p.avg_latency_ms).toBeCloseTo(Number(e.l), 9);
        }
      }
    },
  );

  it('timeseries refuses an empty range', async () => {
    const t = new Date(START);
    await expect(repo.timeseries({ bucket: 'minute', from: t, to: t })).rejects.toThrow(RangeError);
  });
});
