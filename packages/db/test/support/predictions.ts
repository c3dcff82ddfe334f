import { randomUUID } from 'node:crypto';
import { SENTIMENTS } from '@sentiment/core';
import type { NewPrediction } from '@sentiment/db';

/** `count` valid rows for one job, item indexes 0..count-1, one second apart from `start`. */
export function makePredictions(count: number, overrides: Partial<NewPrediction> = {}, start = new Date('2024-05-01T00:00:00Z')): NewPrediction[] {
  const jobId = overrides.jobId ?? randomUUID();
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    timestamp: new Date(start.getTime() + i * 1000),
    inputText: i % 7 === 0 ? null : `text number ${i}`,
    sentiment: SENTIMENTS[i % 3],
    confidence: 0.5 + (i % 50) / 100,
    latencyMs: 1 + (i % 13) * 0.25,
    modelVersion: 'v1',
    cacheHit: i % 5 === 0,
    itemIndex: i,
    ...overrides,
    jobId,
  }));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failing case replays exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` rows of one job at random millisecond times in [start, start + spanMs), with realistic
 * spreads: a few model versions, skewed sentiments, log-normal latencies (some far out, some 0 for
 * cache hits) and confidences in [0.5, 1).
 */
export function randomPredictions(count: number, random: () => number, start: Date, spanMs: number, models = ['v1', 'v2', 'v3']): NewPrediction[] {
  const jobId = randomUUID();
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, (_, i) => {
    const cacheHit = random() < 0.2;
    const u = random();
    return {
      id: randomUUID(),
      timestamp: new Date(start.getTime() + Math.floor(random() * spanMs)),
      inputText: null,
      sentiment: u < 0.45 ? 'positive' : u < 0.85 ? 'negative' : 'neutral',
      confidence: 0.5 + random() / 2,
      latencyMs: cacheHit ? 0 : Math.exp(Math.log(3) + 0.8 * normal()) * (random() < 0.01 ? 50 : 1),
      modelVersion: models[Math.floor(random() ** 2 * models.length)]!,
      cacheHit,
      jobId,
      itemIndex: i,
    };
  });
}
