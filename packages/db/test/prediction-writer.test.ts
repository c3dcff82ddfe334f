import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionWriter, type PredictionWriter } from '@sentiment/db';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { makePredictions } from './support/predictions.js';

describe('prediction writer', () => {
  let db: TestSchema;
  let writer: PredictionWriter;
  // Every SQL statement sent through the ORM's knex instance, to check batching.
  const statements: string[] = [];

  beforeAll(async () => {
    db = await createTestSchema();
    db.orm.em.getConnection().getKnex().on('query', (q: { sql: string }) => void statements.push(q.sql));
    writer = createPredictionWriter(db.orm);
  });
  afterAll(() => db?.drop());

  const countRows = async (jobId: string) => {
    const [row] = await db.orm.em
      .getConnection()
      .execute<{ n: number }[]>(`select count(*)::int as n from "${db.schema}".predictions where job_id = ?`, [jobId]);
    return row.n;
  };
  const insertStatements = () => statements.filter((s) => /insert into "[^"]+"\."predictions"/.test(s));

  it('stores every field of every row', async () => {
    const rows = makePredictions(3, { cacheHit: true });
    rows[1].inputText = null;
    expect(await writer.insertMany(rows)).toBe(3);

    const stored = await db.orm.em.getConnection().execute(
      `select id, "timestamp", input_text, predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index
       from "${db.schema}".predictions where job_id = ? order by item_index`,
      [rows[0].jobId],
    );
    expect(
      stored.map((r) => ({ ...r, timestamp: new Date(r.timestamp).toISOString() })),
    ).toEqual(
      rows.map((r) => ({
        id: r.id,
        timestamp: r.timestamp.toISOString(),
        input_text: r.inputText,
        predicted_sentiment: r.sentiment,
        confidence_score: r.confidence,
        latency_ms: r.latencyMs,
        model_version: r.modelVersion,
        cache_hit: true,
        job_id: r.jobId,
        item_index: r.itemIndex,
      })),
    );
  });

  it('lets writers insert the same rows at once, in any order, with no error and no duplicate (a job retried while its first run still writes)', async () => {
    const chunked = createPredictionWriter(db.orm, { rowsPerStatement: 16 });
    for (let round = 0; round < 10; round++) {
      const rows = makePredictions(64);
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, k) => (k % 2 ? chunked : writer).insertMany(k % 3 ? rows : [...rows].reverse())),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value : 0), 0)).toBe(64);
      expect(await countRows(rows[0].jobId)).toBe(64);
    }
  });

  it('writes 1,000 rows with a single INSERT statement', async () => {
    statements.length = 0;
    expect(await writer.insertMany(makePredictions(1_000))).toBe(1_000);
    expect(insertStatements()).toHaveLength(1);
    expect(insertStatements()[0]).toContain('on conflict do nothing');
  });

  it('inserts 10,000 rows in one call, in statements of at most MAX_ROWS_PER_STATEMENT rows', async () => {
    const rows = makePredictions(10_000);
    statements.length = 0;
    expect(await writer.insertMany(rows)).toBe(10_000);
    expect(await countRows(rows[0].jobId)).toBe(10_000);
    expect(insertStatements()).toHaveLength(2); // 5,000 + 5,000 rows
  });

  it('is idempotent per (job, item): re-inserting inserts nothing and does not throw', async () => {
    const rows = makePredictions(10_000);
    expect(await writer.insertMany(rows)).toBe(10_000);
    // Same rows again, and the same items under new ids (what a retried job produces).
    expect(await writer.insertMany(rows)).toBe(0);
    expect(await writer.insertMany(rows.map((r) => ({ ...r, id: randomUUID() })))).toBe(0);
    expect(await countRows(rows[0].jobId)).toBe(10_000);
  });

  it('counts only the new rows when a batch partly overlaps what is stored', async () => {
    const rows = makePredictions(100);
    expect(await writer.insertMany(rows.slice(0, 60))).toBe(60);
    expect(await writer.insertMany(rows.map((r) => ({ ...r, id: randomUUID() })))).toBe(40);
    expect(await countRows(rows[0].jobId)).toBe(100);
  });

  it('writes all rows of a call or none (one transaction across statements)', async () => {
    const rows = makePredictions(7_000);
    rows[6_999].modelVersion = 'x'.repeat(51); // too long for varchar(50): fails the second statement
    await expect(writer.insertMany(rows)).rejects.toThrow();
    expect(await countRows(rows[0].jobId)).toBe(0);
  });

  it('returns 0 for an empty batch', async () => {
    expect(await writer.insertMany([])).toBe(0);
  });
});
