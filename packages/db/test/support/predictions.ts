import { randomUUID } from 'node:crypto';
import type { NewPrediction } from '@sentiment/db';

const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;

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
