import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionWriter, type NewPrediction } from '@sentiment/db';
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

beforeAll(async () => {
  h = await createHarness();
  await createPredictionWriter(h.orm).insertMany(rows);
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
  const parts: string[] = [];
  const params: unknown[] = [];
  if (f.from) (parts.push('"timestamp" >= ?'), params.push(f.from));
  if (f.to) (parts.push('"timestamp" < ?'), params.push(f.to));
  if (f.model_version) (parts.push('model_version = ?'), params.push(f.model_version));
  return { sql: parts.length ? `where ${parts.join(' and ')}` : '', params };
}

async function sql<T>(query: string, params: unknown[]): Promise<T[]> {
  return h.orm.em.getConnection().execute(query.replaceAll('prediction', `"${h.schema}".prediction`), params);
}

const filters: [string, Filter][] = [
  ['no filter', {}],
  ['from only (inclusive)', { from: at(10).toISOString() }],
  ['to only (exclusive)', { to: at(10).toISOString() }],
  ['from and to', { from: at(5).toISOString(), to: at(25).toISOString() }],
  ['model_version', { model_version: 'v2' }],
  ['everything', { from: at(15).toISOString(), to: at(28).toISOString(), model_version: 'v2' }],
  ['matching nothing', { model_version: 'nope' }],
];

describe('GET /analytics/summary', () => {
  it.each(filters)('%s: equals direct SQL', async (_name, f) => {
    const res = await request(h.app).get('/analytics/summary').query(f);
    expect(res.status).toBe(200);
    const w = where(f);
    const [row] = await sql<{ n: string; c: number | null; l: number | null; lo: Date | null; hi: Date | null }>(
      `select count(*) as n, avg(confidence_score) as c, avg(latency_ms) as l, min("timestamp") as lo, max("timestamp") as hi from prediction ${w.sql}`,
      w.params,
    );
    expect(res.body.total_predictions).toBe(Number(row.n));
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
