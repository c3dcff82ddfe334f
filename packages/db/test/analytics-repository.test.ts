import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { createAnalyticsRepository, createPredictionWriter, dbConfig, type AnalyticsFilters, type AnalyticsRepository } from '@sentiment/db';
import { rawRowsWhere } from './support/filters.js';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { makePredictions } from './support/predictions.js';

// Seed: 300 rows of model v1 from T0 (one per second, sentiments cycling), and 50 rows of
// model v2 an hour later that are all positive (so some filters leave sentiments at zero).
const T0 = new Date('2024-05-01T00:00:00.000Z');
const T1 = new Date('2024-05-01T01:00:00.000Z');

describe('analytics repository', () => {
  let db: TestSchema;
  let repo: AnalyticsRepository;

  beforeAll(async () => {
    db = await createTestSchema();
    const writer = createPredictionWriter(db.orm);
    await writer.insertMany(makePredictions(300, { modelVersion: 'v1' }, T0));
    await writer.insertMany(makePredictions(50, { modelVersion: 'v2', sentiment: 'positive' }, T1));
    repo = createAnalyticsRepository(db.orm);
  });
  afterAll(() => db?.drop());

  /** The same numbers straight from SQL, with the filters written out by hand. */
  async function expectedFromSql(f: AnalyticsFilters) {
    const { text: clause, params } = rawRowsWhere(f);
    const [row] = await db.orm.em.getConnection().execute(
      `select count(*)::int as n, avg(confidence_score) as c, avg(latency_ms) as l,
              avg(cache_hit::int) as h, min("timestamp") as earliest, max("timestamp") as latest,
              count(*) filter (where predicted_sentiment = 'positive')::int as pos,
              count(*) filter (where predicted_sentiment = 'negative')::int as neg,
              count(*) filter (where predicted_sentiment = 'neutral')::int as neu
       from "${db.schema}".predictions ${clause}`,
      params,
    );
    return row as { n: number; c: number | null; l: number | null; h: string | null; earliest: string | null; latest: string | null; pos: number; neg: number; neu: number };
  }
  const iso = (pgTimestamp: string | null) => (pgTimestamp === null ? null : new Date(pgTimestamp).toISOString());

  const cases: [string, AnalyticsFilters][] = [
    ['no filter', {}],
    ['from (inclusive)', { from: new Date(T0.getTime() + 100_000) }],
    ['to (exclusive)', { to: new Date(T0.getTime() + 100_000) }],
    ['from and to', { from: new Date(T0.getTime() + 10_000), to: new Date(T0.getTime() + 20_000) }],
    ['model version', { modelVersion: 'v2' }],
    ['all filters', { from: T0, to: T1, modelVersion: 'v1' }],
    ['nothing matches', { modelVersion: 'v9' }],
  ];

  it.each(cases)('summary and distribution match SQL: %s', async (_name, f) => {
    const sql = await expectedFromSql(f);
    const summary = await repo.summary(f);
    expect(summary).toEqual({
      total_predictions: sql.n,
      avg_confidence: sql.c === null ? null : expect.closeTo(sql.c, 10),
      avg_latency_ms: sql.l === null ? null : expect.closeTo(sql.l, 10),
      cache_hit_rate: sql.h === null ? null : expect.closeTo(Number(sql.h), 10),
      date_range: { earliest: iso(sql.earliest), latest: iso(sql.latest) },
    });
    expect(await repo.distribution(f)).toEqual({ positive: sql.pos, negative: sql.neg, neutral: sql.neu });
  });

  it('applies bounds as from <= timestamp < to', async () => {
    // Rows sit at T0 + i seconds: [T0+10s, T0+20s) holds exactly items 10..19.
    const s = await repo.summary({ from: new Date(T0.getTime() + 10_000), to: new Date(T0.getTime() + 20_000) });
    expect(s.total_predictions).toBe(10);
    expect(s.date_range).toEqual({ earliest: '2024-05-01T00:00:10.000Z', latest: '2024-05-01T00:00:19.000Z' });
  });

  it('reports zeros for sentiments that do not occur', async () => {
    expect(await repo.distribution({ modelVersion: 'v2' })).toEqual({ positive: 50, negative: 0, neutral: 0 });
    expect(await repo.distribution({ modelVersion: 'v9' })).toEqual({ positive: 0, negative: 0, neutral: 0 });
  });

  it('summarises an empty selection with zero and nulls', async () => {
    expect(await repo.summary({ modelVersion: 'v9' })).toEqual({
      total_predictions: 0,
      avg_confidence: null,
      avg_latency_ms: null,
      cache_hit_rate: null,
      date_range: { earliest: null, latest: null },
    });
  });

  it('answers an empty range (from = to) with zeros and nulls, as an empty selection', async () => {
    const empty = { from: T0, to: T0 };
    expect(await repo.summary(empty)).toEqual(await repo.summary({ modelVersion: 'v9' }));
    expect(await repo.distribution(empty)).toEqual({ positive: 0, negative: 0, neutral: 0 });
    expect(await repo.latency(empty)).toMatchObject({ count: 0, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null });
    expect(await repo.models(empty)).toEqual([]);
  });

  it('lists recent predictions newest first, limited, without the input text', async () => {
    const recent = await repo.recent({ limit: 5 });
    expect(recent).toHaveLength(5);
    expect(recent.map((r) => r.timestamp)).toEqual([49, 48, 47, 46, 45].map((s) => new Date(T1.getTime() + s * 1000).toISOString()));
    expect(recent.every((r) => r.model_version === 'v2' && r.sentiment === 'positive')).toBe(true);
    for (const r of recent) {
      expect(Object.keys(r).sort()).toEqual(['confidence', 'id', 'latency_ms', 'model_version', 'sentiment', 'timestamp']);
      expect(typeof r.confidence).toBe('number');
      expect(typeof r.latency_ms).toBe('number');
    }
  });

  it('applies filters to recent predictions', async () => {
    const recent = await repo.recent({ limit: 3, modelVersion: 'v1', to: new Date(T0.getTime() + 100_000) });
    expect(recent.map((r) => r.timestamp)).toEqual([99, 98, 97].map((s) => new Date(T0.getTime() + s * 1000).toISOString()));
  });

  it('breaks timestamp ties by id, descending', async () => {
    const tie = new Date('2030-01-01T00:00:00.000Z');
    const rows = makePredictions(4, { timestamp: tie, modelVersion: 'tie' });
    await createPredictionWriter(db.orm).insertMany(rows);
    const recent = await repo.recent({ limit: 10, modelVersion: 'tie' });
    expect(recent.map((r) => r.id)).toEqual(rows.map((r) => r.id).sort().reverse());
  });

  it('rejects a limit that is not a positive integer', async () => {
    await expect(repo.recent({ limit: 0 })).rejects.toThrow(RangeError);
  });

  it('ping resolves while Postgres answers', async () => {
    await expect(repo.ping()).resolves.toBeUndefined();
  });

  it('ping rejects when Postgres cannot be reached', async () => {
    // Port 1: nothing listens there, so every connection attempt is refused.
    const orm = await MikroORM.init<PostgreSqlDriver>({
      ...dbConfig({ clientUrl: 'postgresql://postgres@127.0.0.1:1/test' }),
      pool: { min: 0, max: 1, acquireTimeoutMillis: 2_000 },
      connect: false, // init itself would throw; we want to see ping() fail
    });
    try {
      await expect(createAnalyticsRepository(orm).ping()).rejects.toThrow();
    } finally {
      await orm.close(true);
    }
  });
});

describe('first and last seen when a range cuts days whose rows lie outside it', () => {
  let db: TestSchema;
  let repo: AnalyticsRepository;
  const day = (d: number, h: number) => new Date(Date.UTC(2024, 4, d, h));

  beforeAll(async () => {
    db = await createTestSchema();
    const writer = createPredictionWriter(db.orm);
    // Rows at 10:00 on May 1–4 (v1), and at 20:00 on May 2 and 3 (v2).
    for (const d of [1, 2, 3, 4]) await writer.insertMany(makePredictions(5, { modelVersion: 'v1' }, day(d, 10)));
    for (const d of [2, 3]) await writer.insertMany(makePredictions(5, { modelVersion: 'v2' }, day(d, 20)));
    repo = createAnalyticsRepository(db.orm);
  });
  afterAll(() => db?.drop());

  const sqlSeen = async (from: Date, to: Date, model?: string) => {
    const [row] = await db.orm.em.getConnection().execute<{ first: Date; last: Date }[]>(
      `select min("timestamp") as first, max("timestamp") as last from "${db.schema}".predictions where "timestamp" >= ? and "timestamp" < ?${model ? ' and model_version = ?' : ''}`,
      [from, to, ...(model ? [model] : [])],
    );
    return { first: new Date(row!.first).toISOString(), last: new Date(row!.last).toISOString() };
  };

  // From May 1 12:00 (May 1's rows are before it) to May 4 09:00 (May 4's rows are after it); and v2
  // from May 2 21:00 to May 3 19:00, which holds none of its rows.
  it.each([
    [day(1, 12), day(4, 9)],
    [day(1, 11), day(3, 15)],
    [day(2, 21), day(3, 19)],
  ])('from %s to %s: summary and models equal SQL', async (from, to) => {
    const expected = await sqlSeen(from, to);
    expect((await repo.summary({ from, to })).date_range).toEqual({ earliest: expected.first, latest: expected.last });
    for (const m of await repo.models({ from, to })) {
      const byModel = await sqlSeen(from, to, m.model_version);
      expect([m.model_version, m.first_seen, m.last_seen]).toEqual([m.model_version, byModel.first, byModel.last]);
    }
  });
});
