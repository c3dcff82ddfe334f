import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { SENTIMENTS, type Sentiment } from '@sentiment/core';
import { rebuildRollups, type ModelComparisonRow } from '@sentiment/db';
import type { TestSchema } from './test-schema.js';

/** Version pairs (serving, shadow) and how often each occurs: both orientations of alpha/beta, a third model. */
export const VERSIONS = { A1: 'alpha+0000000a', A2: 'alpha+000000a2', B1: 'beta+0000000b', C1: 'gamma+0000000c' } as const;
const PAIRS: [string, string, number][] = [
  [VERSIONS.A1, VERSIONS.B1, 0.4],
  [VERSIONS.B1, VERSIONS.A1, 0.15],
  [VERSIONS.A2, VERSIONS.B1, 0.15],
  [VERSIONS.A1, VERSIONS.C1, 0.15],
  [VERSIONS.B1, VERSIONS.A2, 0.1],
  [VERSIONS.C1, VERSIONS.A1, 0.05],
];

/**
 * `count` comparison rows at random milliseconds in [start, start + spanMs), in jobs of up to 500 items:
 * the shadow agrees with the serving answer 80 % of the time, log-normal latencies (some 0).
 */
export function randomComparisons(count: number, random: () => number, start: Date, spanMs: number): ModelComparisonRow[] {
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pick = (): [string, string] => {
    let u = random();
    for (const [s, h, p] of PAIRS) if ((u -= p) < 0) return [s, h];
    return [PAIRS[0]![0], PAIRS[0]![1]];
  };
  const sentiment = () => SENTIMENTS[Math.floor(random() * 3)] as Sentiment;
  const latency = (scale: number) => (random() < 0.05 ? 0 : Math.exp(Math.log(scale) + 0.8 * normal()));
  let jobId = randomUUID();
  return Array.from({ length: count }, (_, i) => {
    if (i % 500 === 0) jobId = randomUUID();
    const [servingVersion, shadowVersion] = pick();
    const servingSentiment = sentiment();
    return {
      timestamp: new Date(start.getTime() + Math.floor(random() * spanMs)),
      jobId,
      itemIndex: i % 500,
      servingVersion,
      servingSentiment,
      servingConfidence: 0.34 + random() * 0.66,
      servingLatencyMs: latency(3),
      shadowVersion,
      shadowSentiment: random() < 0.8 ? servingSentiment : sentiment(),
      shadowConfidence: 0.34 + random() * 0.66,
      shadowLatencyMs: latency(7),
    };
  });
}

type Snapshot = Record<string, number | null>[];

/** Both comparison rollup tables, every row keyed, in key order. */
export async function comparisonRollups(db: TestSchema): Promise<{ rollup: Snapshot; latency: Snapshot }> {
  const conn = db.orm.em.getConnection();
  const key = `grain || ' ' || to_char(bucket at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || serving_version || ' ' || shadow_version`;
  const rollup = await conn.execute(
    `select ${key} || ' ' || serving_sentiment || ' ' || shadow_sentiment as key, n::float8 as n, sum_serving_confidence, sum_shadow_confidence,
       max_serving_latency_ms, max_shadow_latency_ms from "${db.schema}".model_comparison_rollup order by 1`,
  );
  const latency = await conn.execute(`select ${key} || ' ' || side || ' ' || bin as key, n::float8 as n from "${db.schema}".model_comparison_latency_rollup order by 1`);
  return { rollup, latency };
}

/** The comparison rollups as the triggers keep them equal what rebuildRollups computes from the rows (sums up to float rounding). */
export async function expectComparisonRollupsMatchRebuild(db: TestSchema): Promise<void> {
  const kept = await comparisonRollups(db);
  await rebuildRollups(db.orm);
  const rebuilt = await comparisonRollups(db);
  expect(kept.latency).toEqual(rebuilt.latency);
  expect(kept.rollup.map((r) => r.key)).toEqual(rebuilt.rollup.map((r) => r.key));
  kept.rollup.forEach((k, i) => {
    const r = rebuilt.rollup[i]!;
    expect({ ...k, sum_serving_confidence: 0, sum_shadow_confidence: 0 }).toEqual({ ...r, sum_serving_confidence: 0, sum_shadow_confidence: 0 });
    expect(k.sum_serving_confidence).toBeCloseTo(r.sum_serving_confidence!, 6);
    expect(k.sum_shadow_confidence).toBeCloseTo(r.sum_shadow_confidence!, 6);
  });
}
