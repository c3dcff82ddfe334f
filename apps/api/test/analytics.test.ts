import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_MS, TIMESERIES_BUCKETS } from '@sentiment/core';
import { AnalyticsSummary, LatencyStats, ModelsList, RecentPage, SentimentDistribution, Timeseries } from '@sentiment/contract';
import { rawRowsWhere } from '../../../packages/db/test/support/filters.js';
import { createPredictionWriter, LATENCY_RELATIVE_ERROR, type NewPrediction } from '@sentiment/db';
import { createHarness, type Harness } from './support/harness.js';

let h: Harness;
const T0 = Date.parse('2024-05-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

// 30 rows a minute apart: v1 for minutes 0..19 (all three sentiments), v2 for 20..29 (never neutral).
const rows: NewPrediction[] = Array.from({ length: 30 }, (_, i) => ({
  id: randomUUID(),
  timestamp: at(i),
  inputText: `secret input ${i}`,
  sentiment: i < 20 ? (['negative', 'neutral', 'positive'] as const)[i % 3] : i % 2 ? 'positive' : 'negative',
  confidence: 0.5 + i / 100,
  latencyMs: 2 + (i % 7),
  modelVersion: i < 20 ? 'v1' : 'v2',
  cacheHit: i % 4 === 0,
  jobId: randomUUID(),
  itemIndex: 0,
}));

// And 3,000 rows at random milliseconds over the two days before T0 (v1 and v3 only), so ranges cut
// days, hours and minutes anywhere; latencies log-normal, some cache hits at 0 ms.
function olderRows(count: number): NewPrediction[] {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const jobId = randomUUID();
  return Array.from({ length: count }, (_, i) => {
    const cacheHit = random() < 0.2;
    const u = random();
    return {
      id: randomUUID(),
      timestamp: new Date(T0 - 2 * 86_400_000 + Math.floor(random() * 2 * 86_400_000)),
      inputText: null,
      sentiment: u < 0.45 ? 'positive' : u < 0.85 ? 'negative' : 'neutral',
      confidence: 0.5 + random() / 2,
      latencyMs: cacheHit ? 0 : 3 * Math.exp(0.8 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())),
      modelVersion: random() < 0.7 ? 'v1' : 'v3',
      cacheHit,
      jobId,
      itemIndex: i,
    };
  });
}

beforeAll(async () => {
  h = await createHarness();
  await createPredictionWriter(h.orm).insertMany(rows);
  await createPredictionWriter(h.orm).insertMany(olderRows(3_000));
});
afterAll(async () => {
  await h?.close();
});

interface Filter {
  from?: string;
  to?: string;
  model_version?: string;
}

/** The WHERE clause the API promises: from inclusive, to exclusive. */
function where(f: Filter): { sql: string; params: unknown[] } {
  const { text, params } = rawRowsWhere({ from: f.from, to: f.to, modelVersion: f.model_version });
  return { sql: text, params };
}

async function sql<T>(query: string, params: unknown[]): Promise<T[]> {
  return h.orm.em.getConnection().execute(query.replaceAll('prediction', `"${h.schema}".predictions`), params);
}

const filters: [string, Filter][] = [
  ['no filter', {}],
  ['from only (inclusive)', { from: at(10).toISOString() }],
  ['to only (exclusive)', { to: at(10).toISOString() }],
  ['from and to', { from: at(5).toISOString(), to: at(25).toISOString() }],
  ['model_version', { model_version: 'v2' }],
  ['everything', { from: at(15).toISOString(), to: at(28).toISOString(), model_version: 'v2' }],
  ['matching nothing', { model_version: 'nope' }],
  // Bounds inside minutes, hours and days: the edges come from the raw rows, the rest from rollups.
  ['unaligned, across a day', { from: new Date(T0 - 36 * 3_600_000 + 12_345).toISOString(), to: new Date(T0 + 17 * 60_000 + 30_500).toISOString() }],
  ['unaligned, within an hour', { from: new Date(T0 - 3_600_000 + 61_001).toISOString(), to: new Date(T0 - 1_000).toISOString(), model_version: 'v1' }],
  ['inside one minute', { from: new Date(T0 - 600_000 + 5_000).toISOString(), to: new Date(T0 - 600_000 + 55_000).toISOString() }],
  ['whole days, one model', { from: '2024-04-29T00:00:00Z', to: '2024-05-01T00:00:00Z', model_version: 'v3' }],
];

describe('GET /analytics/summary', () => {
  it.each(filters)('%s: equals direct SQL', async (_name, f) => {
    const res = await request(h.app).get('/analytics/summary').query(f);
    expect(res.status).toBe(200);
    const w = where(f);
    const [row] = await sql<{ n: string; c: number | null; l: number | null; h: string | null; lo: Date | null; hi: Date | null }>(
      `select count(*) as n, avg(confidence_score) as c, avg(latency_ms) as l, avg(cache_hit::int) as h, min("timestamp") as lo, max("timestamp") as hi
       from prediction ${w.sql}`,
      w.params,
    );
    expect(AnalyticsSummary.strict().parse(res.body)).toEqual(res.body);
    expect(res.body.total_predictions).toBe(Number(row.n));
    if (row.h === null) expect(res.body.cache_hit_rate).toBeNull();
    else expect(res.body.cache_hit_rate).toBeCloseTo(Number(row.h), 9);
    if (row.c === null) expect(res.body.avg_confidence).toBeNull();
    else expect(res.body.avg_confidence).toBeCloseTo(Number(row.c), 9);
    if (row.l === null) expect(res.body.avg_latency_ms).toBeNull();
    else expect(res.body.avg_latency_ms).toBeCloseTo(Number(row.l), 9);
    expect(res.body.date_range).toEqual({
      earliest: row.lo ? new Date(row.lo).toISOString() : null,
      latest: row.hi ? new Date(row.hi).toISOString() : null,
    });
  });

  it('from is inclusive and to exclusive', async () => {
    const res = await request(h.app).get('/analytics/summary').query({ from: at(10).toISOString(), to: at(12).toISOString() });
    expect(res.body.total_predictions).toBe(2); // minutes 10 and 11
    expect(res.body.date_range).toEqual({ earliest: at(10).toISOString(), latest: at(11).toISOString() });
  });
});

describe('GET /analytics/sentiment-distribution', () => {
  it.each(filters)('%s: equals direct SQL, with zeros for absent sentiments', async (_name, f) => {
    const res = await request(h.app).get('/analytics/sentiment-distribution').query(f);
    expect(res.status).toBe(200);
    const w = where(f);
    const counts = await sql<{ s: string; n: string }>(
      `select predicted_sentiment as s, count(*) as n from prediction ${w.sql} group by predicted_sentiment`,
      w.params,
    );
    const expected: Record<string, number> = { negative: 0, neutral: 0, positive: 0 };
    for (const c of counts) expected[c.s] = Number(c.n);
    expect(res.body).toEqual(expected);
    expect(SentimentDistribution.strict().parse(res.body)).toEqual(res.body);
  });

  it('v2 never predicted neutral: neutral is 0, not missing', async () => {
    const res = await request(h.app).get('/analytics/sentiment-distribution').query({ model_version: 'v2' });
    expect(res.body).toEqual({ negative: 5, neutral: 0, positive: 5 });
  });
});

describe('GET /analytics/recent', () => {
  it.each(filters)('%s: newest first, the default limit of 100, equal to direct SQL', async (_name, f) => {
    const res = await request(h.app).get('/analytics/recent').query(f);
    expect(res.status).toBe(200);
    const w = where(f);
    const ids = await sql<{ id: string }>(`select id from prediction ${w.sql} order by "timestamp" desc, id desc limit 100`, w.params);
    expect(res.body.map((r: { id: string }) => r.id)).toEqual(ids.map((r) => r.id));
    expect(RecentPage.parse(res.body)).toHaveLength(ids.length);
  });

  it('honours limit and never returns the input text', async () => {
    const res = await request(h.app).get('/analytics/recent?limit=3');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(3);
    const newest = rows[29];
    expect(res.body[0]).toEqual({
      id: newest.id,
      timestamp: newest.timestamp.toISOString(),
      sentiment: newest.sentiment,
      confidence: newest.confidence,
      latency_ms: newest.latencyMs,
      model_version: newest.modelVersion,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/secret input/);
    const times = res.body.map((r: { timestamp: string }) => Date.parse(r.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});

describe('bad analytics queries → 400 validation_error', () => {
  it.each([
    ['/analytics/recent?limit=0'],
    ['/analytics/recent?limit=1001'],
    ['/analytics/recent?limit=abc'],
    ['/analytics/recent?limit=1.5'],
    ['/analytics/recent?limit=-3'],
    ['/analytics/summary?from=yesterday'],
    ['/analytics/summary?to=2024-13-45T00:00:00Z'],
    ['/analytics/summary?from=2024-05-01'],
    ['/analytics/sentiment-distribution?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z'],
    ['/analytics/sentiment-distribution?from=2024-05-01T00:00:00Z&to=2024-05-01T00:00:00Z'],
    ['/analytics/recent?from=2024-05-01T00:00:00Z&from=2024-05-02T00:00:00Z'],
  ])('%s', async (path) => {
    const res = await request(h.app).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.length).toBeGreaterThan(0);
  });

  it('accepts limit=1000 and an offset date-time', async () => {
    expect((await request(h.app).get('/analytics/recent?limit=1000')).status).toBe(200);
    const res = await request(h.app).get('/analytics/summary').query({ from: '2024-05-01T02:10:00+02:00' });
    expect(res.status).toBe(200);
    expect(res.body.total_predictions).toBe(20); // 00:10Z onwards
  });
});

describe('GET /analytics/timeseries', () => {
  const bounded = filters.filter(([, f]) => f.from && f.to);

  it.each(bounded.flatMap(([name, f]) => TIMESERIES_BUCKETS.map((bucket) => [`${name}, by ${bucket}`, f, bucket] as const)))(
    '%s: zero-filled points equal direct SQL',
    async (_name, f, bucket) => {
      const res = await request(h.app).get('/analytics/timeseries').query({ ...f, bucket });
      expect(res.status).toBe(200);
      expect(Timeseries.strict().parse(res.body)).toEqual(res.body);
      const w = where(f);
      const groups = await sql<{ start: Date; n: string; c: number; l: number; neg: string; neu: string; pos: string }>(
        `select date_trunc('${bucket}', "timestamp", 'UTC') as start, count(*) as n, avg(confidence_score) as c, avg(latency_ms) as l,
           count(*) filter (where predicted_sentiment = 'negative') as neg, count(*) filter (where predicted_sentiment = 'neutral') as neu,
           count(*) filter (where predicted_sentiment = 'positive') as pos
         from prediction ${w.sql} group by 1`,
        w.params,
      );
      const byStart = new Map(groups.map((g) => [new Date(g.start).toISOString(), g]));
      const first = Math.floor(Date.parse(f.from!) / BUCKET_MS[bucket]) * BUCKET_MS[bucket];
      expect(res.body).toMatchObject({ bucket, from: new Date(f.from!).toISOString(), to: new Date(f.to!).toISOString() });
      expect(res.body.points.map((p: { start: string }) => p.start)).toEqual(
        Array.from({ length: Math.ceil((Date.parse(f.to!) - first) / BUCKET_MS[bucket]) }, (_, i) => new Date(first + i * BUCKET_MS[bucket]).toISOString()),
      );
      for (const p of res.body.points) {
        const g = byStart.get(p.start);
        expect(p.total).toBe(Number(g?.n ?? 0));
        expect(p.counts).toEqual({ negative: Number(g?.neg ?? 0), neutral: Number(g?.neu ?? 0), positive: Number(g?.pos ?? 0) });
        if (!g) expect([p.avg_confidence, p.avg_latency_ms]).toEqual([null, null]);
        else {
          expect(p.avg_confidence).toBeCloseTo(Number(g.c), 9);
          expect(p.avg_latency_ms).toBeCloseTo(Number(g.l), 9);
        }
      }
    },
  );

  it('defaults to the last 60 minutes up to now', async () => {
    const before = Date.now();
    const res = await request(h.app).get('/analytics/timeseries');
    expect(res.status).toBe(200);
    expect(res.body.bucket).toBe('minute');
    const to = Date.parse(res.body.to);
    expect(to).toBeGreaterThanOrEqual(before);
    expect(to - Date.parse(res.body.from)).toBe(60 * 60_000);
    // 60 whole minutes, plus one when `to` is not on a minute (the partial minutes at both ends).
    expect(res.body.points).toHaveLength(to % 60_000 === 0 ? 60 : 61);
    expect(res.body.points.every((p: { total: number }) => p.total === 0)).toBe(true); // all rows are from 2024
  });

  it('defaults `from` to 60 buckets before `to`', async () => {
    const res = await request(h.app).get('/analytics/timeseries').query({ bucket: 'hour', to: at(30).toISOString(), model_version: 'v2' });
    expect(res.status).toBe(200);
    expect(res.body.points).toHaveLength(61); // `to` is 00:30, so the 60 hours before start mid-hour
    expect(res.body.points.reduce((n: number, p: { total: number }) => n + p.total, 0)).toBe(10);
  });

  it('answers exactly 10,080 buckets, and 400s one more', async () => {
    const from = '2024-04-24T00:00:00Z';
    const ok = await request(h.app).get('/analytics/timeseries').query({ from, to: '2024-05-01T00:00:00Z' });
    expect(ok.status).toBe(200);
    expect(ok.body.points).toHaveLength(10_080);
    const tooMany = await request(h.app).get('/analytics/timeseries').query({ from, to: '2024-05-01T00:00:00.001Z' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0].message).toMatch(/at most 10080 buckets/);
  });
});

describe('GET /analytics/latency', () => {
  it.each(filters)('%s: count and max exact, percentiles within the stated resolution of SQL', async (_name, f) => {
    const res = await request(h.app).get('/analytics/latency').query(f);
    expect(res.status).toBe(200);
    expect(LatencyStats.strict().parse(res.body)).toEqual(res.body);
    const w = where(f);
    const [row] = await sql<Record<string, string | number | null>>(
      `select count(*) as n, max(latency_ms) as max,
         percentile_disc(0.5) within group (order by latency_ms) as d50, percentile_cont(0.5) within group (order by latency_ms) as c50,
         percentile_disc(0.95) within group (order by latency_ms) as d95, percentile_cont(0.95) within group (order by latency_ms) as c95,
         percentile_disc(0.99) within group (order by latency_ms) as d99
       from prediction ${w.sql}`,
      w.params,
    );
    expect(res.body.count).toBe(Number(row.n));
    expect(res.body.max_ms).toBe(row.max === null ? null : Number(row.max));
    const near = (got: number | null, exact: string | number | null) => {
      if (exact === null) return expect(got).toBeNull();
      const x = Number(exact);
      if (x < 2 ** -6) return expect(Math.abs(got! - x)).toBeLessThanOrEqual(2 ** -7);
      expect(Math.abs(got! / x - 1)).toBeLessThanOrEqual(LATENCY_RELATIVE_ERROR + 1e-9);
    };
    near(res.body.p50_ms, row.d50);
    near(res.body.p95_ms, row.d95);
    near(res.body.p99_ms, row.d99);
    if (Number(row.n) >= 1_000) {
      near(res.body.p50_ms, row.c50);
      near(res.body.p95_ms, row.c95);
    }
  });

  it('states its resolution', async () => {
    const res = await request(h.app).get('/analytics/latency');
    expect(res.body.resolution).toMatch(/8 log-spaced bins per doubling .* ±4\.4% .* count and max_ms are exact/);
  });
});

describe('GET /analytics/models', () => {
  it.each(filters)('%s: one entry per model, equal to direct SQL, most recently seen first', async (_name, f) => {
    const res = await request(h.app).get('/analytics/models').query(f);
    expect(res.status).toBe(200);
    expect(ModelsList.parse(res.body)).toEqual(res.body);
    const w = where(f);
    const groups = await sql<Record<string, string | number | Date>>(
      `select model_version, count(*) as n, avg(confidence_score) as c, avg(latency_ms) as l, avg(cache_hit::int) as h,
         min("timestamp") as lo, max("timestamp") as hi,
         count(*) filter (where predicted_sentiment = 'negative') as neg, count(*) filter (where predicted_sentiment = 'neutral') as neu,
         count(*) filter (where predicted_sentiment = 'positive') as pos
       from prediction ${w.sql} group by model_version order by max("timestamp") desc, model_version`,
      w.params,
    );
    expect(res.body).toEqual(
      groups.map((g) => ({
        model_version: g.model_version,
        total: Number(g.n),
        counts: { negative: Number(g.neg), neutral: Number(g.neu), positive: Number(g.pos) },
        avg_confidence: expect.closeTo(Number(g.c), 9),
        avg_latency_ms: expect.closeTo(Number(g.l), 9),
        cache_hit_rate: expect.closeTo(Number(g.h), 9),
        first_seen: new Date(g.lo).toISOString(),
        last_seen: new Date(g.hi).toISOString(),
      })),
    );
  });
});

describe('bad queries on the newer analytics endpoints → 400 validation_error', () => {
  it.each([
    ['/analytics/timeseries?bucket=week'],
    ['/analytics/timeseries?bucket=Minute'],
    ['/analytics/timeseries?bucket='],
    ['/analytics/timeseries?bucket=minute&bucket=hour'],
    ['/analytics/timeseries?from=2024-05-01'],
    ['/analytics/timeseries?to=not-a-date'],
    ['/analytics/timeseries?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z'],
    ['/analytics/timeseries?from=2024-05-01T00:00:00Z&to=2024-05-01T00:00:00Z'],
    ['/analytics/timeseries?from=2999-01-01T00:00:00Z'], // `to` defaults to now: from is after it
    ['/analytics/timeseries?from=2024-05-01T00:00:00Z'], // minutes from then to now: far more than 10,080
    ['/analytics/timeseries?bucket=hour&from=2020-01-01T00:00:00Z&to=2024-01-01T00:00:00Z'],
    ['/analytics/timeseries?bucket=day&from=1990-01-01T00:00:00Z&to=2024-01-01T00:00:00Z'],
    [`/analytics/timeseries?model_version=${'x'.repeat(51)}`],
    ['/analytics/latency?from=yesterday'],
    ['/analytics/latency?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z'],
    ['/analytics/latency?model_version=%00'],
    ['/analytics/models?to=2024-13-01T00:00:00Z'],
    ['/analytics/models?from=2024-05-01T00:00:00Z&to=2024-05-01T00:00:00Z'],
    ['/analytics/recent?before=not-a-cursor'],
    ['/analytics/recent?before='],
  ])('%s', async (path) => {
    const res = await request(h.app).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.length).toBeGreaterThan(0);
  });

  it('accepts a day-bucketed series reaching back years, within 10,080 days', async () => {
    const res = await request(h.app).get('/analytics/timeseries').query({ bucket: 'day', from: '2024-01-01T00:00:00Z' });
    expect(res.status).toBe(200);
    expect(res.body.points.reduce((n: number, p: { total: number }) => n + p.total, 0)).toBe(3_030);
  });
});
