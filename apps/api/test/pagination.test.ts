import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionWriter, type NewPrediction } from '@sentiment/db';
import { createHarness, type Harness } from './support/harness.js';

let h: Harness;
const T0 = Date.parse('2024-05-01T00:00:00.000Z');
const ORIGINAL = 5_000;

/** `n` rows; groups of 7 share a timestamp, so page boundaries fall inside ties. */
function rowsAt(n: number, timestampOf: (i: number) => Date, modelVersion = 'v1'): NewPrediction[] {
  return Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    timestamp: timestampOf(i),
    inputText: null,
    sentiment: (['negative', 'neutral', 'positive'] as const)[i % 3],
    confidence: 0.9,
    latencyMs: 1,
    modelVersion: i % 2 ? modelVersion : 'v2',
    cacheHit: false,
    jobId: randomUUID(),
    itemIndex: 0,
  }));
}

const originals = rowsAt(ORIGINAL, (i) => new Date(T0 + Math.floor(i / 7)));

beforeAll(async () => {
  h = await createHarness();
  await createPredictionWriter(h.orm).insertMany(originals);
  // Some rows a few microseconds apart: finer than the displayed timestamps, which must not matter.
  await h.orm.em
    .getConnection()
    .execute(`update "${h.schema}".predictions set "timestamp" = "timestamp" + interval '3 microseconds' where confidence_score = 0.9 and random() < 0.1`);
});
afterAll(async () => {
  await h?.close();
});

const nextLink = (res: request.Response): string | undefined => {
  const header = res.headers.link as string | undefined;
  return header?.match(/<([^>]+)>;\s*rel="next"/)?.[1];
};

interface Row {
  id: string;
  timestamp: string;
}

/** Follows rel="next" from `first`, calling `between` after each page; returns the pages' rows. */
async function follow(first: string, between: () => Promise<void> = async () => {}) {
  const pages: Row[][] = [];
  const links: string[] = [];
  let url: string | undefined = first;
  while (url) {
    const res = await request(h.app).get(url);
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    pages.push(res.body);
    url = nextLink(res);
    if (url) links.push(url);
    if (pages.length > 100) throw new Error('more pages than rows');
    await between();
  }
  return { pages, links };
}

describe('GET /analytics/recent pagination', () => {
  it('visits every row exactly once while newer rows keep arriving, and never shows those in later pages', async () => {
    const writer = createPredictionWriter(h.orm);
    const arrived: string[] = [];
    const { pages, links } = await follow('/analytics/recent?limit=500', async () => {
      // New predictions land between page fetches, some sharing one timestamp.
      const fresh = rowsAt(25, () => new Date());
      await writer.insertMany(fresh);
      arrived.push(...fresh.map((r) => r.id));
    });

    // The first page starts at the newest row; the rest walk down from there.
    const later = pages.slice(1).flat();
    expect(later.filter((r) => arrived.includes(r.id))).toEqual([]);
    const seen = pages.flat().map((r) => r.id);
    const originalIds = new Set(originals.map((r) => r.id));
    const seenOriginals = seen.filter((id) => originalIds.has(id));
    expect(seenOriginals).toHaveLength(ORIGINAL);
    expect(new Set(seenOriginals).size).toBe(ORIGINAL);
    expect(new Set(seen).size).toBe(seen.length);

    expect(pages.map((p) => p.length)).toEqual([...Array(10).fill(500)]);
    expect(links).toHaveLength(9); // the last page has no rel="next"
    for (const link of links) expect(link).toMatch(/^\/analytics\/recent\?limit=500&before=[A-Za-z0-9_-]+$/);
    // Newest first across page boundaries too.
    const times = pages.flat().map((r) => Date.parse(r.timestamp));
    expect(times.every((t, i) => i === 0 || t <= times[i - 1])).toBe(true);
  });

  it('carries the filters into the next link and pages through exactly the filtered rows', async () => {
    const from = new Date(T0 + 100).toISOString();
    const to = new Date(T0 + 600).toISOString();
    const { pages, links } = await follow(`/analytics/recent?limit=123&model_version=v1&from=${from}&to=${to}`);
    const want = originals
      .filter((r) => r.modelVersion === 'v1' && r.timestamp >= new Date(from) && r.timestamp < new Date(to))
      .map((r) => r.id)
      .sort();
    expect(pages.flat().map((r) => r.id).sort()).toEqual(want);
    expect(links.length).toBe(Math.ceil(want.length / 123) - 1);
    for (const link of links) {
      const params = new URL(link, 'http://x').searchParams;
      expect(Object.fromEntries(params)).toMatchObject({ limit: '123', model_version: 'v1', from, to });
    }
  });

  it('answers without a Link header when everything fits on one page', async () => {
    const res = await request(h.app).get('/analytics/recent').query({ limit: 10, model_version: 'nope' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    expect(res.headers.link).toBeUndefined();
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64 of something else', Buffer.from('hello|world').toString('base64url')],
    ['a cursor without microseconds', Buffer.from(`2024-05-01T00:00:00.000Z|${randomUUID()}`).toString('base64url')],
    ['an empty cursor', ''],
  ])('rejects %s with 400 validation_error', async (_name, before) => {
    const res = await request(h.app).get('/analytics/recent').query({ before });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details[0].path).toEqual(['before']);
  });
});
