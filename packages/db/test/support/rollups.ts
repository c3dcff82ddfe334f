import { expect } from 'vitest';
import type { TestSchema } from './test-schema.js';

// The rollups as they should be, computed straight from the raw rows with GROUP BY (written out here,
// independently of the statements under test), next to what the tables hold.

interface RollupRow {
  key: string;
  n: number;
  n_negative: number;
  n_neutral: number;
  n_positive: number;
  cache_hits: number;
  sum_confidence: number;
  sum_latency_ms: number;
  max_latency_ms: number | null;
}

// Buckets by UTC calendar fields here (not date_bin as in the code): minute, ten minutes, hour, day.
const GRAINS = `(values ('minute'), ('10min'), ('hour'), ('day')) as g(grain)`;
const BUCKET = `case g.grain when '10min' then date_trunc('hour', "timestamp", 'UTC') + floor(extract(minute from "timestamp" at time zone 'UTC') / 10) * interval '10 minutes'
  else date_trunc(g.grain, "timestamp", 'UTC') end`;
const KEY = `g.grain || ' ' || to_char((${BUCKET}) at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || model_version`;
const TABLE_KEY = `grain || ' ' || to_char(bucket at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || model_version`;

const numeric = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'key' || v === null ? v : Number(v)])));

export async function expectedRollups(db: TestSchema): Promise<RollupRow[]> {
  const rows = await db.orm.em.getConnection().execute(
    `select ${KEY} as key, count(*) as n,
       count(*) filter (where predicted_sentiment = 'negative') as n_negative,
       count(*) filter (where predicted_sentiment = 'neutral') as n_neutral,
       count(*) filter (where predicted_sentiment = 'positive') as n_positive,
       count(*) filter (where cache_hit) as cache_hits,
       sum(confidence_score) as sum_confidence, sum(latency_ms) as sum_latency_ms, max(latency_ms) as max_latency_ms
     from "${db.schema}".predictions cross join ${GRAINS} group by 1 order by 1`,
  );
  return numeric(rows) as unknown as RollupRow[];
}

export async function storedRollups(db: TestSchema): Promise<RollupRow[]> {
  const rows = await db.orm.em.getConnection().execute(
    `select ${TABLE_KEY} as key, n, n_negative, n_neutral, n_positive, cache_hits, sum_confidence, sum_latency_ms, max_latency_ms
     from "${db.schema}".prediction_rollup order by 1`,
  );
  return numeric(rows) as unknown as RollupRow[];
}

/** Latency histogram counts "grain bucket model bin" -> n, expected and stored. */
export async function latencyHistograms(db: TestSchema): Promise<{ expected: Record<string, number>; stored: Record<string, number> }> {
  const conn = db.orm.em.getConnection();
  // Bin edges written out: bin b >= 1 holds [2^-6 * 2^((b-1)/8), 2^-6 * 2^(b/8)) ms.
  const expected = await conn.execute<{ key: string; n: string }[]>(
    `select ${KEY} || ' ' || (case when latency_ms < 0.015625 then 0 when latency_ms >= 131072 then 185
         else 1 + floor(8 * log(2::numeric, latency_ms::numeric / 0.015625)) end) as key, count(*) as n
     from "${db.schema}".predictions cross join ${GRAINS} group by 1`,
  );
  const stored = await conn.execute<{ key: string; n: string }[]>(
    `select ${TABLE_KEY} || ' ' || bin as key, n from "${db.schema}".prediction_latency_rollup`,
  );
  const toMap = (rows: { key: string; n: string }[]) => Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  return { expected: toMap(expected), stored: toMap(stored) };
}

/** Both rollup tables equal GROUP BY over the raw rows (sums up to float rounding), with no empty rows left. */
export async function expectRollupsMatchRows(db: TestSchema): Promise<void> {
  const [expected, stored] = await Promise.all([expectedRollups(db), storedRollups(db)]);
  expect(stored.map((r) => r.key)).toEqual(expected.map((r) => r.key));
  stored.forEach((s, i) => {
    const e = expected[i]!;
    expect({ ...s, sum_confidence: 0, sum_latency_ms: 0 }).toEqual({ ...e, sum_confidence: 0, sum_latency_ms: 0 });
    expect(s.sum_confidence).toBeCloseTo(e.sum_confidence, 6);
    expect(s.sum_latency_ms).toBeCloseTo(e.sum_latency_ms, 6);
  });
  const histograms = await latencyHistograms(db);
  expect(histograms.stored).toEqual(histograms.expected);
}
