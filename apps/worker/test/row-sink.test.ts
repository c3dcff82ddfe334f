import { randomUUID } from 'node:crypto';
import { createPredictionWriter, PermanentWriteError, type NewPrediction } from '@sentiment/db';
import { PERSIST_QUEUE, predictionId } from '@sentiment/queue';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRowSink } from '../src/row-sink.js';
import { gate } from './support/gate.js';
import { createTestSchema, obliterateAll, redisConnection, rowsOfJob, testLogger, uniqueId, type TestSchema } from './support/services.js';
import { countCalls } from './support/writer.js';

let db: TestSchema;
let redis: Redis;
let persistQueue: Queue;
beforeAll(async () => {
  db = await createTestSchema();
  redis = redisConnection();
  persistQueue = new Queue(PERSIST_QUEUE, { connection: redis, prefix: `test-sink-${uniqueId()}` });
});
afterAll(async () => {
  await obliterateAll([persistQueue]);
  await redis.quit();
  await db?.drop();
});

function rows(jobId: string, n: number, sentiment: NewPrediction['sentiment']): NewPrediction[] {
  return Array.from({ length: n }, (_, i) => ({
    id: predictionId(jobId, i),
    timestamp: new Date(),
    inputText: `text ${i}`,
    sentiment,
    confidence: 0.9,
    latencyMs: 1,
    modelVersion: 'test+00000000',
    cacheHit: false,
    jobId,
    itemIndex: i,
  }));
}

it('fails only the batch Postgres refuses when batches were flushed together, and parks nothing', async () => {
  // Postgres refuses neutral rows here: a rule only one of the batches breaks.
  await db.orm.em.getConnection().execute(`alter table "${db.schema}".predictions add constraint no_neutral check (predicted_sentiment <> 'neutral')`);
  const counted = countCalls(createPredictionWriter(db.orm));
  // One flush slot: the three batches below wait behind the first and go as one group.
  const sink = createRowSink({ writer: counted.writer, persistQueue, logger: testLogger, maxConcurrentFlushes: 1 });
  const [first, good, bad, alsoGood] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const outcomes = await Promise.allSettled([
    sink.write(rows(first, 2, 'positive')),
    sink.write(rows(good, 3, 'positive')),
    sink.write(rows(bad, 3, 'neutral')),
    sink.write(rows(alsoGood, 2, 'negative')),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  const reason = (outcomes[2] as PromiseRejectedResult).reason;
  expect(reason).toBeInstanceOf(PermanentWriteError);
  expect(reason).toMatchObject({ code: '23514', constraint: 'no_neutral' });
  // The group of three was tried once, then each of its batches alone.
  expect(counted.calls).toEqual([2, 8, 3, 3, 2]);
  expect((await rowsOfJob(db, good)).length).toBe(3);
  expect((await rowsOfJob(db, alsoGood)).length).toBe(2);
  expect((await rowsOfJob(db, bad)).length).toBe(0);
  expect(await persistQueue.count()).toBe(0);
});

it('flushes interactive rows ahead of queued bulk rows, and bulk rows in smaller groups', async () => {
  const order: string[] = [];
  const real = createPredictionWriter(db.orm);
  const writer = {
    insertMany(batch: readonly NewPrediction[]) {
      order.push(`${batch[0]!.jobId === sync ? 'sync' : 'bulk'}:${batch.length}`);
      return real.insertMany(batch);
    },
  };
  const sink = createRowSink({ writer, persistQueue, logger: testLogger, maxConcurrentFlushes: 2, maxRowsPerFlush: 400 });
  const sync = randomUUID();
  const bulkJobs = Array.from({ length: 6 }, () => randomUUID());
  const writes = bulkJobs.map((job) => sink.write(rows(job, 60, 'positive')));
  writes.push(sink.write(rows(sync, 2, 'negative'), { interactive: true }));
  await Promise.all(writes);
  // One bulk flush was running (bulk never takes the last slot); the interactive rows went next, in the
  // free slot, before the five bulk batches still waiting, which then went in groups of at most 100 rows.
  expect(order[0]).toBe('bulk:60');
  expect(order[1]).toBe('sync:2');
  expect(order.slice(2).every((o) => o.startsWith('bulk:') && Number(o.slice(5)) <= 100)).toBe(true);
  expect((await rowsOfJob(db, sync)).length).toBe(2);
});

it('lets bulk rows wait for more of their kind, up to a full group, while interactive rows go at once', async () => {
  const order: string[] = [];
  const real = createPredictionWriter(db.orm);
  const sync = randomUUID();
  const writer = {
    insertMany(batch: readonly NewPrediction[]) {
      order.push(`${batch[0]!.jobId === sync ? 'sync' : 'bulk'}:${batch.length}`);
      return real.insertMany(batch);
    },
  };
  // Bulk groups of at most 100 rows; a lingering bulk batch waits up to 1.5 s for company (long beside a
  // 2-row insert even on a loaded host, so the order below does not depend on the machine's speed).
  const sink = createRowSink({ writer, persistQueue, logger: testLogger, maxConcurrentFlushes: 2, maxRowsPerFlush: 400, bulkLingerMs: 1500 });
  const small = [randomUUID(), randomUUID(), randomUUID()];
  const writes = small.map((job) => sink.write(rows(job, 10, 'positive')));
  const interactive = sink.write(rows(sync, 2, 'negative'), { interactive: true });
  await interactive;
  // The interactive rows were written while the three small bulk batches were still waiting.
  expect(order).toEqual(['sync:2']);
  await Promise.all(writes);
  expect(order).toEqual(['sync:2', 'bulk:30']);
  for (const job of small) expect((await rowsOfJob(db, job)).length).toBe(10);

  // A full group does not wait: with a linger of a minute, 100 rows are written now.
  const patient = createRowSink({ writer, persistQueue, logger: testLogger, maxConcurrentFlushes: 2, maxRowsPerFlush: 400, bulkLingerMs: 60_000 });
  const full = randomUUID();
  await patient.write(rows(full, 100, 'positive'));
  expect(order.at(-1)).toBe('bulk:100');
  expect((await rowsOfJob(db, full)).length).toBe(100);
});

it('writes interactive rows through their own writer while a bulk flush is still running in the other', async () => {
  const real = createPredictionWriter(db.orm);
  // The bulk writer is busy until released, as a writer thread is while it builds a large flush.
  const busy = gate();
  const bulkWriter = {
    async insertMany(batch: readonly NewPrediction[]) {
      await busy.held;
      return real.insertMany(batch);
    },
  };
  const sink = createRowSink({ writer: bulkWriter, interactiveWriter: real, persistQueue, logger: testLogger, maxConcurrentFlushes: 2 });
  const [bulkJob, sync] = [randomUUID(), randomUUID()];
  let bulkDone = false;
  const bulk = sink.write(rows(bulkJob, 200, 'positive')).then(() => (bulkDone = true));
  await sink.write(rows(sync, 2, 'negative'), { interactive: true });
  expect((await rowsOfJob(db, sync)).length).toBe(2);
  expect(bulkDone).toBe(false);
  busy.release();
  await bulk;
  expect((await rowsOfJob(db, bulkJob)).length).toBe(200);
});
