import type { Orm } from '@sentiment/db';
import { createPredictionWriter } from '@sentiment/db';
import type { Classifier } from '@sentiment/model';
import {
  classifyJobOptions,
  JobName,
  PERSIST_QUEUE,
  PersistJobData,
  persistJobOptions,
  predictionQueueName,
  predictionId,
  type ClassifyJobResult,
} from '@sentiment/queue';
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBatcher } from '../src/batcher.js';
import { makePersistProcessor, type PersistJobResult } from '../src/persist-processor.js';
import { makeProcessor } from '../src/processor.js';
import { createRowSink } from '../src/row-sink.js';
import { loadTestClassifier, texts } from './support/model.js';
import {
  createTestSchema,
  obliterateAll,
  redisConnection,
  rowsOfJob,
  testLogger,
  uniqueId,
  unreachableOrm,
  type TestSchema,
} from './support/services.js';

/** The model these jobs name, and its queue. */
const MODEL = 'test-model';
const PREDICTION_QUEUE = predictionQueueName(MODEL);

const WAIT_MS = 120_000;
let classifier: Classifier;
let db: TestSchema;
let deadOrm: Orm;
let redis: Redis;
let prefix: string;
let queue: Queue;
let persistQueue: Queue;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  [classifier, db, deadOrm] = await Promise.all([loadTestClassifier(2), createTestSchema(), unreachableOrm()]);
  redis = redisConnection();
  prefix = `test-worker-${uniqueId()}`;
  queue = new Queue(PREDICTION_QUEUE, { connection: redis, prefix });
  persistQueue = new Queue(PERSIST_QUEUE, { connection: redis, prefix });
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await obliterateAll([queue, persistQueue]);
  await redis.quit();
  await Promise.all([classifier?.close(), db?.drop(), deadOrm?.close(true)]);
});

async function eventsFor(name: string): Promise<QueueEvents> {
  const events = new QueueEvents(name, { connection: redis.duplicate(), prefix });
  await events.waitUntilReady();
  closers.push(() => events.close());
  return events;
}

it('completes predictions while Postgres is unreachable, then writes the parked rows once, without duplicates', async () => {
  // 1. Postgres down for the writer: a real refused connection on 127.0.0.1:1.
  const sink = createRowSink({ writer: createPredictionWriter(deadOrm), persistQueue, logger: testLogger });
  const batcher = createBatcher(
    { classifier, sink, logger: testLogger },
    { maxBatchSize: 16, maxWaitMs: 5, maxInflight: 2, storeInputText: true },
  );
  const classifyWorker = new Worker(PREDICTION_QUEUE, makeProcessor({ model: MODEL, batcher, logger: testLogger, chunkSize: 64 }), {
    connection: redis,
    prefix,
    concurrency: 4,
  });
  closers.push(() => classifyWorker.close());
  const classifyEvents = await eventsFor(PREDICTION_QUEUE);

  const input = texts(40);
  const job = await queue.add(JobName.classify, { texts: input, model: MODEL, source: 'batch' }, classifyJobOptions({ resultTtlS: 600 }));
  const result = (await job.waitUntilFinished(classifyEvents, WAIT_MS)) as ClassifyJobResult;

  expect(result.total).toBe(40);
  expect(result.predictions.map((p) => p.id)).toEqual(input.map((_, i) => predictionId(job.id!, i)));
  expect((await queue.getJob(job.id!))!.attemptsMade).toBe(1); // succeeded on its first attempt, no retry

  // The rows wait in Redis: one persist job per micro-batch (16 + 16 + 8), none written yet.
  const parked = await persistQueue.getJobs(['waiting', 'delayed', 'prioritized']);
  const parkedRows = parked.flatMap((j) => PersistJobData.parse(j.data).rows);
  expect(parked.length).toBe(3);
  expect(parkedRows.map((r) => r.itemIndex).sort((a, b) => a - b)).toEqual(input.map((_, i) => i));
  expect(parkedRows.every((r) => r.jobId === job.id && r.inputText === input[r.itemIndex])).toBe(true);
  expect(await rowsOfJob(db, job.id!)).toHaveLength(0);

  // 2. Postgres is back: the persist worker writes the parked rows.
  const persistEvents = await eventsFor(PERSIST_QUEUE);
  const persistWorker = new Worker(
    PERSIST_QUEUE,
    makePersistProcessor({ writer: createPredictionWriter(db.orm), logger: testLogger }),
    { connection: redis, prefix },
  );
  closers.push(() => persistWorker.close());
  const written = (await Promise.all(parked.map((j) => j.waitUntilFinished(persistEvents, WAIT_MS)))) as PersistJobResult[];
  expect(written.reduce((n, r) => n + r.inserted, 0)).toBe(40);

  const rows = await rowsOfJob(db, job.id!);
  expect(rows.map((r) => r.item_index)).toEqual(input.map((_, i) => i));
  expect(rows.map((r) => r.id)).toEqual(result.predictions.map((p) => p.id));
  expect(rows.map((r) => r.predicted_sentiment)).toEqual(result.predictions.map((p) => p.sentiment));

  // 3. The same rows again (e.g. a persist job retried after a lost ack): nothing is duplicated.
  const again = await persistQueue.add(JobName.persist, { rows: parkedRows }, persistJobOptions());
  expect(((await again.waitUntilFinished(persistEvents, WAIT_MS)) as PersistJobResult).inserted).toBe(0);
  expect(await rowsOfJob(db, job.id!)).toHaveLength(40);
});
