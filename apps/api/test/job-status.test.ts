import { describe, expect, it } from 'vitest';
import type { ClassifyJobResult } from '@sentiment/queue';
import { jobViewBody, StoredResult, type JobView } from '../src/job-status.js';

const view: Omit<JobView, 'result'> = {
  job_id: '6f1c0a52-2b8e-4f5e-9a51-0d0e7a4b8c11',
  status: 'completed',
  progress: { done: 2, total: 2 },
  created_at: '2026-12-06T05:00:00.000Z',
  finished_at: '2026-12-06T05:00:01.000Z',
};
const result: ClassifyJobResult = {
  predictions: [
    { id: 'a', sentiment: 'positive', confidence: 0.9, latency_ms: 1.5, model_version: 'm+1', cache_hit: false },
    { id: 'b', sentiment: 'neutral', confidence: 0.55, latency_ms: 1.5, model_version: 'm+1', cache_hit: true },
  ],
  total: 2,
};

describe('a completed job view with its result as stored', () => {
  it('is the same JSON as the view with the result parsed, without parsing it', () => {
    const stored = new StoredResult(Buffer.from(JSON.stringify(result)));
    const body = jobViewBody({ ...view, result: stored });
    expect(JSON.parse(body.toString())).toEqual({ ...view, result });
    expect(body.toString()).toBe(JSON.stringify({ ...view, result }));
  });

  it('reads the text count from the end of the stored JSON, and parses only a result laid out otherwise', () => {
    expect(new StoredResult(Buffer.from(JSON.stringify(result))).total).toBe(2);
    expect(new StoredResult(Buffer.from(JSON.stringify({ total: 7, predictions: [] }))).total).toBe(7);
  });

  it('serializes other views as they are', () => {
    expect(jobViewBody({ ...view, result })).toBe(JSON.stringify({ ...view, result }));
    expect(jobViewBody({ ...view, status: 'queued', finished_at: null })).toBe(JSON.stringify({ ...view, status: 'queued', finished_at: null }));
  });
});
