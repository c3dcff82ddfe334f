import { createPredictionWriter } from '@sentiment/db';
import type { Classifier } from '@sentiment/model';
import {
  classifyJobOptions,
  JobName,
  PERSIST_QUEUE,
  predictionQueueName,
  predictionId,
  type ClassifyJobResult,
  type JobProgress,
} from '@sentiment/queue';
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatcher } from '../src/batcher.js';
import { makeProcessor } from '../src/processor.js';
import { createRowSink } from '../src/row-sink.js';
import { loadTestClassifier, texts } from './support/model.js';
import { createTestSchema, obliterateAll, redisConnection, rowsOfJob, testLogger, uniqueId, type TestSchema } from './support/services.js';

/** The model these jobs name, and its queue. */
const MODEL = 'test-model';
const PREDICTION_QUEUE = predictionQueueName(MODEL);

const WAIT_MS = 120_000;
let classifier: Classifier;
let db: TestSchema;
let redis: Redis;
let queue: Queue;
let persistQueue: Queue;
let events: QueueEvents;
let worker: Worker;

beforeAll(async () => {
  [classifier, db] = await Promise.all([loadTestClassifier(2), createTestSchema()]);
  redis = redisConnection();
  const prefix = `test-worker-${uniqueId()}`;
  queue = new Queue(PREDICTION_QUEUE, { connection: redis, prefix });
  persistQueue = new Queue(PERSIST_QUEUE, { connection: redis, prefix });
  events = new QueueEvents(PREDICTION_QUEUE, { connection: redis.duplicate(), prefix });
  await events.waitUntilReady();

  const sink = createRowSink({ writer: createPredictionWriter(db.orm), persistQueue, logger: testLogger });
  const batcher = createBatcher(
    { classifier, sink, logger: testLogger },
    { maxBatchSize: 32, maxWaitMs: 5, maxInflight: 2, storeInputText: true },
  );
  const processor = makeProcessor({ model: MODEL, batcher, logger: testLogger, chunkSize: 128 });
  worker = new Worker(PREDICTION_QUEUE, processor, { connection: redis, prefix, concurrency: 8 });
});

afterAll(async () => {
  await worker?.close();
  await events?.close();
  await obliterateAll([queue, persistQueue]);
  await redis.quit();
  await Promise.all([classifier?.close(), db?.drop()]);
});

const options = { ...classifyJobOptions({ resultTtlS: 600 }), backoff: { type: 'fixed', delay: 10 } };

describe('classify processor on a real Worker', () => {
  it('completes a 300-text job with progress, input-order predictions and 300 stored rows', async () => {
    const input = texts(300);
    const progress: JobProgress[] = [];
    const job = await queue.add(JobName.classify, { texts: input, model: MODEL, source: 'jobs', requestId: 'req-1' }, options);
    events.on('progress', ({ jobId, data }) => {
      if (jobId === job.id) progress.push(data as JobProgress);
    });

    const result = (await job.waitUntilFinished(events, WAIT_MS)) as ClassifyJobResult;

    expect(result.total).toBe(300);
    expect(result.predictions.map((p) => p.id)).toEqual(input.map((_, i) => predictionId(job.id!, i)));
    const alone = await classifier.predict(input.slice(0, 10));
    expect(result.predictions.slice(0, 10).map((p) => p.sentiment)).toEqual(alone.map((p) => p.label));

    const finished = await queue.getJob(job.id!);
    expect(finished!.progress).toEqual({ done: 300, total: 300 });
    // Chunks of 128 report 128, 256 then 300, never going backwards.
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ done: 300, total: 300 });

    const rows = await rowsOfJob(db, job.id!);
    expect(rows.map((r) => r.item_index)).toEqual(input.map((_, i) => i));
    expect(rows.map((r) => r.id)).toEqual(input.map((_, i) => predictionId(job.id!, i)));
    expect(rows.map((r) => r.input_text)).toEqual(input);
  });

  it('fails a malformed job at once (no retries) and keeps processing the next job', async () => {
    const bad = await queue.add(JobName.classify, { texts: ['fine', '   '], model: MODEL, source: 'batch' }, options);
    await expect(bad.waitUntilFinished(events, WAIT_MS)).rejects.toThrow(/invalid classify job/);
    const failed = await queue.getJob(bad.id!);
    expect(failed!.attemptsMade).toBe(1);
    expect(await failed!.getState()).toBe('failed');
    expect(failed!.failedReason).toMatch(/empty or whitespace/);

    const good = await queue.add(JobName.classify, { texts: texts(3), model: MODEL, source: 'batch' }, options);
    const result = (await good.waitUntilFinished(events, WAIT_MS)) as ClassifyJobResult;
    expect(result.predictions).toHaveLength(3);
  });

  it.each([
    ['a NUL character', { texts: ['a\u0000b'], model: MODEL, source: 'batch' }, /NUL/],
    ['a text over 5,000 characters', { texts: ['x'.repeat(5001)], model: MODEL, source: 'batch' }, /longer than 5000/],
    ['no texts', { texts: [], model: MODEL, source: 'jobs' }, /texts/],
    ['an unknown source', { texts: ['fine'], model: MODEL, source: 'cron' }, /source/],
    ['a non-object payload', 'just a string', /invalid classify job/],
    ['no model', { texts: ['fine'], source: 'batch' }, /model/],
    ['another model (only a producer bypassing the API does this)', { texts: ['fine'], model: 'other-model', source: 'batch' }, /job for model "other-model" reached the queue of model "test-model"/],
  ])('fails a payload with %s at once, without retries', async (_case, data, reason) => {
    const bad = await queue.add(JobName.classify, data as never, options);
    await expect(bad.waitUntilFinished(events, WAIT_MS)).rejects.toThrow(reason);
    expect((await queue.getJob(bad.id!))!.attemptsMade).toBe(1);
  });

  it('completes texts with lone surrogates and control characters (stored, never fatal)', async () => {
    const odd = ['lone \ud800 surrogate', 'bell \u0007 and escape \u001b[31m', 'emoji 👨‍👩‍👧 and RTL שלום'];
    const job = await queue.add(JobName.classify, { texts: odd, model: MODEL, source: 'batch' }, options);
    const result = (await job.waitUntilFinished(events, WAIT_MS)) as ClassifyJobResult;
    expect(result.predictions).toHaveLength(3);
    const rows = await rowsOfJob(db, job.id!);
    expect(rows.map((r) => r.input_text)).toEqual(['lone \ufffd surrogate', odd[1], odd[2]]);
  });

  it('fails a job with an unknown name at once', async () => {
    const odd = await queue.add('summarise', { texts: ['hello'], model: MODEL, source: 'predict' }, options);
    await expect(odd.waitUntilFinished(events, WAIT_MS)).rejects.toThrow(/unknown job name/);
    expect((await queue.getJob(odd.id!))!.attemptsMade).toBe(1);
  });
});

describe('bulk jobs on a worker with MAX_BULK_JOBS=1', () => {
  it('runs one bulk job at a time, puts the others back without an attempt, and serves an interactive job meanwhile', async () => {
    const prefix = `test-bulk-${uniqueId()}`;
    const bulkQueue = new Queue(PREDICTION_QUEUE, { connection: redis, prefix });
    const bulkEvents = new QueueEvents(PREDICTION_QUEUE, { connection: redis.duplicate(), prefix });
    await bulkEvents.waitUntilReady();
    // The real batcher, watched: which bulk jobs have texts in it at once.
    const sink = createRowSink({ writer: createPredictionWriter(db.orm), persistQueue, logger: testLogger });
    const batcher = createBatcher({ classifier, sink, logger: testLogger }, { maxBatchSize: 32, maxWaitMs: 5, maxInflight: 2, storeInputText: true });
    const inBatcher = new Set<string>();
    let mostAtOnce = 0;
    const watched = {
      async submit(sub: Parameters<typeof batcher.submit>[0]) {
        if (!sub.interactive) {
          inBatcher.add(sub.jobId);
          mostAtOnce = Math.max(mostAtOnce, inBatcher.size);
        }
        try {
          return await batcher.submit(sub);
        } finally {
          if (!sub.interactive && sub.startIndex + sub.texts.length >= 400) inBatcher.delete(sub.jobId);
        }
      },
    };
    const bulkWorker = new Worker(PREDICTION_QUEUE, makeProcessor({ model: MODEL, batcher: watched, logger: testLogger, chunkSize: 400, maxBulkJobs: 1, bulkRetryMs: 100 }), {
      connection: redis,
      prefix,
      concurrency: 8,
    });
    try {
      const bulk = await Promise.all([0, 1, 2].map((k) => bulkQueue.add(JobName.classify, { texts: texts(400, `b${k}-`), model: MODEL, source: 'jobs' }, options)));
      const sync = await bulkQueue.add(JobName.classify, { texts: texts(2, 'sync'), model: MODEL, source: 'predict' }, options);
      const [syncResult] = await Promise.all([sync.waitUntilFinished(bulkEvents, WAIT_MS), ...bulk.map((j) => j.waitUntilFinished(bulkEvents, WAIT_MS))]);
      expect((syncResult as ClassifyJobResult).predictions).toHaveLength(2);
      expect(mostAtOnce).toBe(1);
      for (const j of bulk) {
        const done = (await bulkQueue.getJob(j.id!))!;
        expect(await done.getState()).toBe('completed');
        expect(done.attemptsMade).toBe(1); // put back, not failed
      }
    } finally {
      await bulkWorker.close();
      await bulkEvents.close();
      await bulkQueue.obliterate({ force: true });
      await bulkQueue.close();
    }
  });
});

