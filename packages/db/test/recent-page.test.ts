import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAnalyticsRepository,
  createPredictionWriter,
  decodeRecentCursor,
  encodeRecentCursor,
  type AnalyticsRepository,
  type RecentCursor,
} from '@sentiment/db';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { makePredictions } from './support/predictions.js';

const T0 = new Date('2024-05-01T00:00:00.000Z');

describe('recent pages (keyset cursor)', () => {
  let db: TestSchema;
  let repo: AnalyticsRepository;
  let expected: string[]; // every id, in the promised order

  beforeAll(async () => {
    db = await createTestSchema();
    repo = createAnalyticsRepository(db.orm);
    // 60 rows in groups of 4 sharing a timestamp, then a few moved by microseconds (below what a Date holds).
    const rows = makePredictions(60).map((r, i) => ({ ...r, timestamp: new Date(T0.getTime() + Math.floor(i / 4) * 1000) }));
    await createPredictionWriter(db.orm).insertMany(rows);
    await db.orm.em
      .getConnection()
      .execute(`update "${db.schema}".predictions set "timestamp" = "timestamp" + interval '250 microseconds' where item_index % 5 = 0`);
    const ordered = await db.orm.em
      .getConnection()
      .execute<{ id: string }[]>(`select id from "${db.schema}".predictions order by "timestamp" desc, id desc`);
    expected = ordered.map((r) => r.id);
  });
  afterAll(() => db?.drop());

  async function pageThrough(limit: number, filters: { modelVersion?: string } = {}) {
    const seen: string[] = [];
    let before: RecentCursor | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await repo.recentPage({ limit, before, ...filters });
      seen.push(...page.rows.map((r) => r.id));
      if (!page.next) return { seen, pages: pages + 1 };
      before = decodeRecentCursor(encodeRecentCursor(page.next));
    }
    throw new Error('did not reach the last page');
  }

  it.each([1, 7, 8, 59, 60, 61])('pages of %i visit every row once, in order', async (limit) => {
    const { seen, pages } = await pageThrough(limit);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(60 / limit));
  });

  it('recent() is the first page', async () => {
    expect((await repo.recent({ limit: 10 })).map((r) => r.id)).toEqual(expected.slice(0, 10));
  });

  it('the cursor keeps the microseconds that the displayed timestamp drops', async () => {
    // Newest first: items 56..59 at T0+14 s, then item 55 at T0+13 s + 250 µs.
    const page = await repo.recentPage({ limit: 5 });
    expect(page.rows[4].timestamp).toBe('2024-05-01T00:00:13.000Z');
    expect(page.next).toEqual({ timestamp: '2024-05-01T00:00:13.000250Z', id: page.rows[4].id });
  });

  it('a cursor combines with the filters', async () => {
    const { seen } = await pageThrough(9, { modelVersion: 'v1' });
    expect(seen).toEqual(expected);
    expect((await pageThrough(9, { modelVersion: 'none' })).seen).toEqual([]);
  });

  it('decodes only well-formed cursors', () => {
    const good: RecentCursor = { timestamp: '2024-05-01T00:00:00.123456Z', id: '0b8f1a62-5a0b-4a33-9a3f-1f2e3d4c5b6a' };
    expect(decodeRecentCursor(encodeRecentCursor(good))).toEqual(good);
    const bad = [
      '',
      'not base64!',
      Buffer.from('2024-05-01T00:00:00.123456Z').toString('base64url'),
      Buffer.from('2024-05-01T00:00:00.123Z|0b8f1a62-5a0b-4a33-9a3f-1f2e3d4c5b6a').toString('base64url'),
      Buffer.from('2024-05-01T00:00:00.123456Z|not-a-uuid').toString('base64url'),
      Buffer.from(`${good.timestamp}|${good.id}|x`).toString('base64url'),
      Buffer.from(`2024-13-45T00:00:00.123456Z|${good.id}`).toString('base64url'),
    ];
    for (const token of bad) expect(decodeRecentCursor(token), token).toBeUndefined();
  });
});
