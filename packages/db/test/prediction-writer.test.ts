import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionWriter, PermanentWriteError, WRITER_KINDS, type PredictionWriter } from '@sentiment/db';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { makePredictions } from './support/predictions.js';

describe.each(WRITER_KINDS)('prediction writer (%s)', (kind) => {
  let db: TestSchema;
  let writer: PredictionWriter;
  // Every SQL statement sent through the ORM's knex instance, to check flushes and statements.
  const statements: string[] = [];

  beforeAll(async () => {
    db = await createTestSchema();
    db.orm.em.getConnection().getKnex().on('query', (q: { sql: string }) => void statements.push(q.sql));
    writer = createPredictionWriter(db.orm, { kind });
  });
  afterAll(() => db?.drop());

  const countRows = async (jobId: string) => {
    const [row] = await db.orm.em
      .getConnection()
      .execute<{ n: number }[]>(`select count(*)::int as n from "${db.schema}".predictions where job_id = ?`, [jobId]);
    return row.n;
  };
  const inserts = () => statements.filter((s) => /insert into "[^"]+"\."predictions"/.test(s));
  const batchSize = () => db.orm.config.get('batchSize');

  it('stores every field of every row', async () => {
    const rows = makePredictions(3, { cacheHit: true });
    rows[1].inputText = null;
    expect(await writer.insertMany(rows)).toBe(3);

    const stored = await db.orm.em.getConnection().execute(
      `select id, "timestamp", input_text, predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index
       from "${db.schema}".predictions where job_id = ? order by item_index`,
      [rows[0].jobId],
    );
    expect(stored.map((r) => ({ ...r, timestamp: new Date(r.timestamp).toISOString() }))).toEqual(
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
    const chunked = createPredictionWriter(db.orm, { kind, rowsPerFlush: 16 });
    for (let round = 0; round < 10; round++) {
      const rows = makePredictions(64);
      // A retry predicts the same items again, later: a day later lands in another partition.
      const retried = rows.map((r) => ({ ...r, id: randomUUID(), timestamp: new Date(r.timestamp.getTime() + 86_400_000) }));
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, k) => (k % 2 ? chunked : writer).insertMany(k % 4 === 3 ? retried : k % 3 ? rows : [...rows].reverse())),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value : 0), 0)).toBe(64);
      expect(await countRows(rows[0].jobId)).toBe(64);
    }
  });

  it('writes a micro-batch as one flush: one INSERT statement', async () => {
    statements.length = 0;
    expect(await writer.insertMany(makePredictions(1_000))).toBe(1_000);
    expect(inserts()).toHaveLength(1);
    // One transaction: the job locks, the stored-rows lookup (unit of work), one INSERT.
    const shape = statements.map((s) => s.split(' ')[0]!.toLowerCase().replace(/;$/, ''));
    if (kind === 'unit-of-work') {
      // MikroORM's flush: its own multi-row VALUES insert, no conflict clause.
      expect(shape).toEqual(['begin', 'select', 'select', 'insert', 'commit']);
      expect(inserts()[0]).not.toContain('on conflict');
    } else {
      expect(shape).toEqual(['begin', 'select', 'insert', 'commit']);
      expect(inserts()[0]).toContain('on conflict do nothing');
    }
  });

  it('writes 10,000 rows in one call, in flushes of at most the ORM batchSize rows', async () => {
    const rows = makePredictions(10_000);
    statements.length = 0;
    expect(await writer.insertMany(rows)).toBe(10_000);
    expect(await countRows(rows[0].jobId)).toBe(10_000);
    expect(inserts()).toHaveLength(Math.ceil(10_000 / batchSize()));
  });

  it('is idempotent per (job, item): re-inserting inserts nothing and does not throw', async () => {
    const rows = makePredictions(5_000);
    expect(await writer.insertMany(rows)).toBe(5_000);
    // Same rows again, and the same items under new ids and times (what a retried job produces), also
    // on another day, in another partition.
    expect(await writer.insertMany(rows)).toBe(0);
    expect(await writer.insertMany(rows.map((r) => ({ ...r, id: randomUUID(), timestamp: new Date(r.timestamp.getTime() + 1) })))).toBe(0);
    expect(await writer.insertMany(rows.map((r) => ({ ...r, id: randomUUID(), timestamp: new Date(r.timestamp.getTime() + 3 * 86_400_000) })))).toBe(0);
    expect(await countRows(rows[0].jobId)).toBe(5_000);
  });

  it('with UUIDv7 job ids, looks for a retried job\'s rows only from a day before the job was made, and finds them', async () => {
    // A job made at `made` (its id says so), predicted an hour later, retried three days later.
    const made = new Date('2024-06-03T10:00:00.000Z');
    const hex = made.getTime().toString(16).padStart(12, '0');
    const jobId = `${hex.slice(0, 8)}-${hex.slice(8)}-7${randomUUID().slice(15)}`;
    const rows = makePredictions(300, { jobId }, new Date(made.getTime() + 3_600_000));
    expect(await writer.insertMany(rows)).toBe(300);
    statements.length = 0;
    const retried = rows.map((r) => ({ ...r, id: randomUUID(), timestamp: new Date(r.timestamp.getTime() + 3 * 86_400_000) }));
    expect(await writer.insertMany(retried)).toBe(0);
    expect(await countRows(jobId)).toBe(300);
    const lookup = statements.find((q) => /"timestamp" >= /.test(q) && /select/i.test(q))!;
    expect(lookup).toBeDefined();
    if (kind === 'unit-of-work') expect(lookup).toContain("\"timestamp\" >= '2024-06-02T10:00:00.000Z'");
  });

  it('counts only the new rows when a batch partly overlaps what is stored', async () => {
    const rows = makePredictions(100);
    expect(await writer.insertMany(rows.slice(20, 60))).toBe(40);
    expect(await writer.insertMany(rows.map((r) => ({ ...r, id: randomUUID() })))).toBe(60);
    expect(await countRows(rows[0].jobId)).toBe(100);
  });

  it('a call refused part-way keeps the flushes before the refusal; calling it again stores only the rest', async () => {
    const rows = makePredictions(batchSize() + 10);
    const last = rows.at(-1)!.itemIndex;
    const conn = db.orm.em.getConnection();
    await conn.execute(`alter table "${db.schema}".predictions add constraint not_last check (item_index <> ${last}) not valid`);
    try {
      await expect(writer.insertMany(rows)).rejects.toBeInstanceOf(PermanentWriteError);
      expect(await countRows(rows[0].jobId)).toBe(batchSize());
    } finally {
      await conn.execute(`alter table "${db.schema}".predictions drop constraint not_last`);
    }
    expect(await writer.insertMany(rows)).toBe(10);
    expect(await countRows(rows[0].jobId)).toBe(rows.length);
  });

  it('returns 0 for an empty batch', async () => {
    expect(await writer.insertMany([])).toBe(0);
  });
});
