import { createPredictionWriter } from '@sentiment/db';
import type { Classifier } from '@sentiment/model';
import { PERSIST_QUEUE, predictionId } from '@sentiment/queue';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBatcher, type BatcherOptions } from '../src/batcher.js';
import { createRowSink } from '../src/row-sink.js';
import { gate } from './support/gate.js';
import { loadTestClassifier, texts } from './support/model.js';
import { createTestSchema, obliterateAll, redisConnection, rowsOfJob, testLogger, uniqueId, type TestSchema } from './support/services.js';
import { countCalls } from './support/writer.js';

let classifier: Classifier;
let db: TestSchema;
let redis: Redis;
let persistQueue: Queue;

beforeAll(async () => {
  [classifier, db] = await Promise.all([loadTestClassifier(2), createTestSchema()]);
  redis = redisConnection();
  persistQueue = new Queue(PERSIST_QUEUE, { connection: redis, prefix: `test-worker-${uniqueId()}` });
});

afterAll(async () => {
  await obliterateAll([persistQueue]);
  await redis.quit();
  await Promise.all([classifier?.close(), db?.drop()]);
});

/**
 * A batcher over the real model and the real writer, recording each predict() call's texts.
 * With `holdBulkLane`, bulk-lane batches start (and take their slot) but predict only once it resolves.
 */
function setup(opts: Partial<BatcherOptions> = {}, { interactiveLane = false, holdBulkLane = Promise.resolve() } = {}) {
  const batches: string[][] = [];
  /** Batches the interactive lane's classifier ran (with interactiveLane). */
  const interactiveBatches: string[][] = [];
  const recording = (into: string[][], hold: Promise<void>): Classifier => ({
    info: classifier.info,
    predict: async (t) => {
      into.push(t);
      await hold;
      return classifier.predict(t);
    },
    close: async () => {},
  });
  const counted = countCalls(createPredictionWriter(db.orm));
  const sink = createRowSink({ writer: counted.writer, persistQueue, logger: testLogger });
  const batcher = createBatcher(
    {
      classifier: recording(batches, holdBulkLane),
      interactiveClassifier: interactiveLane ? recording(interactiveBatches, Promise.resolve()) : undefined,
      sink,
      logger: testLogger,
    },
    { maxBatchSize: 8, maxWaitMs: 20, maxInflight: 2, storeInputText: true, ...opts },
  );
  return { batcher, batches, interactiveBatches, insertCalls: counted.calls };
}

describe('micro-batcher', () => {
  it('puts interactive texts into the next batch ahead of a bulk backlog, in a batch of their own', async () => {
    const bulkLane = gate();
    const { batcher, batches } = setup({ sortWindow: 8 }, { holdBulkLane: bulkLane.held });
    const bulkDone = batcher.submit({ jobId: `bulk-${uniqueId()}`, startIndex: 0, texts: texts(800, 'bulk') });
    // Both bulk slots taken, 98 batches' worth of texts queued behind them: the interactive texts arrive behind a real backlog.
    await vi.waitFor(() => expect(batches).toHaveLength(2), { timeout: 10_000 });
    const interactive = batcher.submit({ jobId: `sync-${uniqueId()}`, startIndex: 0, texts: texts(3, 'sync'), interactive: true });
    bulkLane.release();
    expect(await interactive).toHaveLength(3);
    // The first slot to free took them, ahead of every queued bulk text, and took only them:
    // bulk texts riding along would make the request wait for a full batch's inference.
    const at = batches.findIndex((b) => b.some((t) => t.includes('(sync')));
    expect(at).toBe(2);
    expect(batches[at]).toHaveLength(3);
    await bulkDone;
    expect(batches.flat().filter((t) => t.includes('(bulk'))).toHaveLength(800);
  });

  it('runs interactive texts on the interactive lane while bulk batches hold every bulk slot, and never bulk texts there', async () => {
    const bulkLane = gate();
    const { batcher, batches, interactiveBatches } = setup({ sortWindow: 8 }, { interactiveLane: true, holdBulkLane: bulkLane.held });
    const bulkDone = batcher.submit({ jobId: `bulk-${uniqueId()}`, startIndex: 0, texts: texts(800, 'bulk') });
    await vi.waitFor(() => expect(batches).toHaveLength(2), { timeout: 10_000 });
    // Answered (predicted and written) while both bulk batches are still held: a scheduler that
    // waited for a bulk slot would never answer, and the test would time out.
    const answers = await Promise.all(
      [0, 1, 2].map((k) => batcher.submit({ jobId: `sync-${uniqueId()}`, startIndex: 0, texts: texts(2, `sync${k}`), interactive: true })),
    );
    expect(answers.map((a) => a.length)).toEqual([2, 2, 2]);
    expect(batches).toHaveLength(2);
    expect(interactiveBatches.flat().filter((t) => t.includes('(sync'))).toHaveLength(6);
    bulkLane.release();
    await bulkDone;
    expect(interactiveBatches.flat().filter((t) => t.includes('(bulk'))).toEqual([]);
    expect(batches.flat().filter((t) => t.includes('(bulk'))).toHaveLength(800);
  });

  it('lets interactive texts use the bulk slots too when no bulk work waits', async () => {
    const { batcher, batches, interactiveBatches } = setup({}, { interactiveLane: true });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, k) => batcher.submit({ jobId: `sync-${uniqueId()}`, startIndex: 0, texts: texts(8, `s${k}-`), interactive: true })),
    );
    expect(results.flat()).toHaveLength(48);
    expect(interactiveBatches.length).toBeGreaterThan(0);
    expect(batches.length).toBeGreaterThan(0);
  });

  it('pools concurrent callers into shared full batches and answers each caller in its own order', async () => {
    const { batcher, batches, insertCalls } = setup();
    const jobId = `job-${uniqueId()}`;
    const sizes = [3, 10, 1, 20, 7];
    const callers = sizes.map((n, c) => ({ startIndex: c * 100, texts: texts(n, `c${c}-`) }));

    const results = await Promise.all(callers.map((c) => batcher.submit({ jobId, ...c })));

    // 41 texts arriving together make ceil(41 / 8) = 6 batches, not one (or more) per caller.
    expect(batches.map((b) => b.length)).toEqual([8, 8, 8, 8, 8, 1]);
    expect(batches.some((b) => new Set(b.map((t) => t.match(/\(c(\d)-/)![1])).size > 1)).toBe(true);

    for (const [c, caller] of callers.entries()) {
      const alone = await classifier.predict(caller.texts);
      expect(results[c]!.map((r) => r.sentiment)).toEqual(alone.map((p) => p.label));
      results[c]!.forEach((r, i) => {
        expect(r.confidence).toBeCloseTo(alone[i]!.confidence, 4);
        expect(r.id).toBe(predictionId(jobId, caller.startIndex + i));
        expect(r.model_version).toBe(classifier.info.version);
        expect(r.cache_hit).toBe(false);
      });
    }

    // At most one insertMany per micro-batch: batches that finish while a flush runs are written
    // together (group commit), but a flush never splits a batch (sizes are sums of 8s, plus the 1).
    expect(insertCalls.length).toBeGreaterThan(0);
    expect(insertCalls.length).toBeLessThanOrEqual(batches.length);
    expect(insertCalls.reduce((a, b) => a + b, 0)).toBe(41);
    for (const size of insertCalls) expect([0, 1]).toContain(size % 8);
    const rows = await rowsOfJob(db, jobId);
    expect(rows).toHaveLength(41);
    const byIndex = new Map(rows.map((r) => [r.item_index, r]));
    callers.forEach((caller, c) =>
      caller.texts.forEach((text, i) => {
        const row = byIndex.get(caller.startIndex + i)!;
        expect(row.input_text).toBe(text);
        expect(row.id).toBe(predictionId(jobId, caller.startIndex + i));
        expect(row.predicted_sentiment).toBe(results[c]![i]!.sentiment);
      }),
    );
  });

  it('dispatches a partial batch without waiting when the model is idle', async () => {
    const { batcher, batches } = setup({ maxBatchSize: 32, maxWaitMs: 10 });
    const out = await batcher.submit({ jobId: `job-${uniqueId()}`, startIndex: 0, texts: texts(3) });
    expect(out).toHaveLength(3);
    expect(batches.map((b) => b.length)).toEqual([3]);
  });

  it('under a backlog, cuts batches from length-sorted windows of the queue head, answers still in order', async () => {
    const { batcher, batches } = setup({ maxBatchSize: 4, maxInflight: 1, sortWindow: 3 });
    const jobId = `job-${uniqueId()}`;
    // 26 texts of scrambled lengths queued at once: windows of 3 full batches (12 texts), then 2 left over.
    const lengths = Array.from({ length: 26 }, (_, i) => 5 + ((i * 7) % 13) * 3);
    const all = lengths.map((n, i) => `t${i} ` + 'good '.repeat(n).slice(0, n));
    const results = [await batcher.submit({ jobId, startIndex: 0, texts: all })];

    expect(batches.map((b) => b.length)).toEqual([4, 4, 4, 4, 4, 4, 2]);
    for (const w of [0, 1]) {
      // Each window holds exactly the next 12 texts in arrival order, sorted by length across its batches.
      const windowTexts = batches.slice(3 * w, 3 * w + 3).flat();
      expect(new Set(windowTexts)).toEqual(new Set(all.slice(12 * w, 12 * w + 12)));
      expect(windowTexts.map((t) => t.length)).toEqual(windowTexts.map((t) => t.length).sort((a, b) => a - b));
    }
    expect(batches[6]).toEqual(all.slice(24)); // fewer than two full batches left: FIFO
    // The caller still gets its texts' answers in its own order.
    const alone = await classifier.predict(all);
    expect(results.flat().map((r) => r.id)).toEqual(all.map((_, i) => predictionId(jobId, i)));
    expect(results.flat().map((r) => r.sentiment)).toEqual(alone.map((p) => p.label));
  });

  it('keeps FIFO batches when sorting is off', async () => {
    const { batcher, batches } = setup({ maxBatchSize: 4, maxInflight: 1, sortWindow: 1 });
    const all = Array.from({ length: 14 }, (_, i) => `t${i} ` + 'x'.repeat(30 - 2 * i));
    await Promise.all([batcher.submit({ jobId: `job-${uniqueId()}`, startIndex: 0, texts: all.slice(0, 2) }), batcher.submit({ jobId: `job-${uniqueId()}`, startIndex: 0, texts: all.slice(2) })]);
    expect(batches.flat()).toEqual(all);
  });

  it('stores NULL input text when asked not to keep texts', async () => {
    const { batcher } = setup({ storeInputText: false });
    const jobId = `job-${uniqueId()}`;
    await batcher.submit({ jobId, startIndex: 0, texts: texts(5) });
    const rows = await rowsOfJob(db, jobId);
    expect(rows.map((r) => r.input_text)).toEqual([null, null, null, null, null]);
  });

  it('fails only the callers whose texts were in a failing batch', async () => {
    // The real model runs underneath; the wrapper only injects one failure for a marked text.
    const failing: Classifier = {
      info: classifier.info,
      predict: (t) => (t.some((x) => x.includes('POISON')) ? Promise.reject(new Error('inference failed')) : classifier.predict(t)),
      close: async () => {},
    };
    const sink = createRowSink({ writer: createPredictionWriter(db.orm), persistQueue, logger: testLogger });
    const batcher = createBatcher(
      { classifier: failing, sink, logger: testLogger },
      { maxBatchSize: 4, maxWaitMs: 50, maxInflight: 1, storeInputText: true },
    );
    const jobId = `job-${uniqueId()}`;
    const a = batcher.submit({ jobId, startIndex: 0, texts: texts(4, 'a') }); // batch 1
    const b = batcher.submit({ jobId, startIndex: 10, texts: ['POISON text', 'fine text'] }); // batch 2
    const c = batcher.submit({ jobId, startIndex: 20, texts: texts(2, 'c') }); // batch 2 too
    const [ra, rb, rc] = await Promise.allSettled([a, b, c]);

    expect(ra.status).toBe('fulfilled');
    expect(rb.status).toBe('rejected');
    expect(rc.status).toBe('rejected');
    // The batcher keeps serving later callers.
    await expect(batcher.submit({ jobId, startIndex: 30, texts: texts(2, 'd') })).resolves.toHaveLength(2);
    await batcher.drain();
  });
});
