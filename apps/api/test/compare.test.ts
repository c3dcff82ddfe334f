import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, VersionComparison } from '@sentiment/contract';
import { createComparisonWriter } from '@sentiment/db';
import { randomComparisons } from '../../../packages/db/test/support/comparisons.js';
import { seededRandom } from '../../../packages/db/test/support/predictions.js';
import { createHarness, type Harness } from './support/harness.js';

// GET /analytics/compare over HTTP: the answer's shape and figures as the repository computes them
// (their correctness against plain SQL: packages/db/test/compare.test.ts), and the 400s.

let h: Harness;
const START = Date.parse('2024-05-01T00:00:00.000Z');

beforeAll(async () => {
  h = await createHarness();
  await createComparisonWriter(h.orm).write(randomComparisons(2_000, seededRandom(3), new Date(START), 86_400_000));
});
afterAll(async () => {
  await h?.close();
});

describe('GET /analytics/compare', () => {
  it('answers the contract’s shape with the repository’s figures, a on the a side', async () => {
    const from = new Date(START + 3_723_456).toISOString();
    const to = new Date(START + 20 * 3_600_000 + 5_000).toISOString();
    const res = await request(h.app).get('/analytics/compare').query({ a: 'alpha', b: 'beta+0000000b', from, to });
    expect(res.status).toBe(200);
    const body = VersionComparison.parse(res.body);
    expect(body).toEqual(await h.analytics.compare({ a: 'alpha', b: 'beta+0000000b', from: new Date(from), to: new Date(to) }));
    expect([body.a, body.b, body.from, body.to]).toEqual(['alpha', 'beta+0000000b', from, to]);
    expect(body.pairs).toBeGreaterThan(100);
    expect(body.agreement).toBeGreaterThan(0.5);
    expect(Object.values(body.confusion).flatMap((row) => Object.values(row)).reduce((x, y) => x + y, 0)).toBe(body.pairs);
    expect(body.a_stats.latency.count).toBe(body.pairs);
    expect(body.resolution).toBe((await request(h.app).get('/analytics/latency')).body.resolution);
  });

  it('answers zero pairs with nulls, not an error', async () => {
    const res = await request(h.app).get('/analytics/compare').query({ a: 'nobody', b: 'alpha' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pairs: 0, agreement: null, from: null, to: null, a_stats: { mean_confidence: null, latency: { count: 0, p50_ms: null, max_ms: null } } });
  });

  it.each([
    ['a missing', { b: 'alpha' }, 'a'],
    ['b missing', { a: 'alpha' }, 'b'],
    ['a malformed', { a: 'alpha+xyz', b: 'beta' }, 'a'],
    ['a with a space', { a: 'al pha', b: 'beta' }, 'a'],
    ['a equals b', { a: 'alpha+0000000a', b: 'alpha+0000000a' }, 'b'],
    ['b a version of the name a', { a: 'alpha', b: 'alpha+0000000a' }, 'b'],
    ['a a version of the name b', { a: 'alpha+0000000a', b: 'alpha' }, 'b'],
    ['from after to', { a: 'alpha', b: 'beta', from: '2024-05-02T00:00:00Z', to: '2024-05-01T00:00:00Z' }, 'from'],
    ['from not a date', { a: 'alpha', b: 'beta', from: 'yesterday' }, 'from'],
  ])('400 validation_error when %s', async (_name, query, path) => {
    const res = await request(h.app).get('/analytics/compare').query(query);
    expect(res.status).toBe(400);
    const body = ErrorBody.parse(res.body);
    expect(body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: { path: string[] }) => d.path[0])).toContain(path);
  });
});
