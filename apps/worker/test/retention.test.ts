import { createComparisonWriter, createPredictionWriter, listPartitions, retentionStore, type ModelComparisonRow, type NewPrediction } from '@sentiment/db';
import { JobName, MAINTENANCE_QUEUE, PURGE_SCHEDULER_ID, type PurgeJobResult } from '@sentiment/queue';
import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { makeRetentionProcessor } from '../src/retention-processor.js';
import { continuePurge, scheduleRetention } from '../src/retention-schedule.js';
import type { ShutdownStep } from '../src/shutdown.js';
import { startWorker } from '../src/start.js';
import { TEST_MODEL_DIR } from './support/model.js';
import { createTestSchema, redisConnection, TEST_DATABASE_URL, TEST_REDIS_URL, testLogger, uniqueId, type TestSchema } from './support/services.js';

const DAY_MS = 24 * 3600 * 1000;

function rows(n: number, ageDays: number, tag: string): NewPrediction[] {
  const jobId = `${tag}-${randomUUID()}`;
  return Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    timestamp: new Date(Date.now() - ageDays * DAY_MS - i * 1000),
    inputText: null,
    sentiment: 'positive' as const,
    confidence: 0.9,
    latencyMs: 1,
    modelVersion: 'v1',
    cacheHit: false,
    jobId,
    itemIndex: i,
  }));
}

/** `n` shadow-run comparison rows `ageDays` old. */
function comparisons(n: number, ageDays: number): ModelComparisonRow[] {
  const jobId = randomUUID();
  return Array.from({ length: n }, (_, i) => ({
    timestamp: new Date(Date.now() - ageDays * DAY_MS - i * 1000),
    jobId,
    itemIndex: i,
    servingVersion: 'v1',
    servingSentiment: 'positive',
    servingConfidence: 0.9,
    servingLatencyMs: 1,
    shadowVersion: 'v2',
    shadowSentiment: 'negative',
    shadowConfidence: 0.8,
    shadowLatencyMs: 2,
  }));
}

async function countComparisons(db: TestSchema): Promise<number> {
  const [row] = await db.orm.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from "${db.schema}".model_comparisons`);
  return row!.n;
}

async function countByAge(db: TestSchema): Promise<{ old: number; recent: number }> {
  const [row] = await db.orm.em.getConnection().execute<{ old: number; recent: number }[]>(
    `select count(*) filter (where job_id like 'old-%')::int as old, count(*) filter (where job_id like 'recent-%')::int as recent
     from "${db.schema}".predictions`,
  );
  return row;
}

describe('retention across two real workers', () => {
  let db: TestSchema;
  let queue: Queue;
  const shutdowns: ShutdownStep[][] = [];

  beforeAll(async () => {
    db = await createTestSchema();
    // 31 and 45 days old (past a 30-day retention), 29 days and fresh (kept).
    await createPredictionWriter(db.orm).insertMany([...rows(40, 31, 'old'), ...rows(10, 45, 'old'), ...rows(30, 29, 'recent'), ...rows(5, 0, 'recent')]);
  });
  afterAll(async () => {
    for (const steps of shutdowns) for (const [, run] of steps) await run();
    if (queue) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await db?.drop();
  });

  it('registers one scheduler however many workers start, and its job deletes only expired rows', async () => {
    const prefix = `test-worker-${uniqueId()}`;
    const config = loadConfig({
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: db.schema,
      QUEUE_PREFIX: prefix,
      MODEL_DIR: TEST_MODEL_DIR,
      INFERENCE_THREADS: '1',
      RETENTION_DAYS: '30',
      LOG_LEVEL: 'silent',
    });
    queue = new Queue(MAINTENANCE_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix });

    // Two workers of one deployment start at the same time.
    shutdowns.push(...(await Promise.all([startWorker(config, testLogger), startWorker(config, testLogger)])));

    // The scheduler's first run is due at once; one of the two workers takes it.
    await vi.waitFor(async () => expect(await queue.getJobCounts('completed')).toEqual({ completed: 1 }), { timeout: 30_000, interval: 100 });
    expect(await countByAge(db)).toEqual({ old: 0, recent: 35 });

    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every, s.template?.data])).toEqual([[PURGE_SCHEDULER_ID, 600_000, { retentionDays: 30 }]]);
    const [done] = await queue.getJobs(['completed']);
    expect(done.name).toBe(JobName.purge);
    expect(done.returnvalue).toMatchObject({ deleted: 50, complete: true });
    // Whole days went with their partitions, and the days ahead have theirs.
    expect((done.returnvalue as PurgeJobResult).partitionsDropped).toHaveLength(2);
    const ahead = new Date(Date.now() + 3 * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
    expect((await listPartitions(db.orm)).map((p) => p.name)).toContain(`predictions_${ahead}`);
    // Only the next run is pending (ten minutes on), not one per worker.
    expect(await queue.getJobCounts('waiting', 'delayed', 'active', 'failed')).toEqual({ waiting: 0, delayed: 1, active: 0, failed: 0 });
  });
});

describe('retention schedule and processor', () => {
  let db: TestSchema;
  let prefix: string;
  let queue: Queue;
  let worker: Worker | undefined;
  const redis = redisConnection();

  beforeAll(async () => {
    db = await createTestSchema();
    prefix = `test-worker-${uniqueId()}`;
    queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix });
  });
  afterAll(async () => {
    await worker?.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
    await db?.drop();
  });

  it('an upsert from every starting worker still leaves one scheduler and one pending run', async () => {
    const other = new Queue(MAINTENANCE_QUEUE, { connection: redis.duplicate(), prefix });
    try {
      const schedule = { retentionDays: 7, everyMs: 60_000 };
      await Promise.all([scheduleRetention(queue, schedule), scheduleRetention(other, schedule), scheduleRetention(queue, schedule)]);
      expect(await queue.getJobSchedulers()).toHaveLength(1);
      expect(await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized')).toBe(1);

      // A redeploy with other settings updates the same scheduler.
      await scheduleRetention(other, { retentionDays: 14, everyMs: 60_000 });
      const [scheduler] = await queue.getJobSchedulers();
      expect(scheduler.template?.data).toEqual({ retentionDays: 14 });
      expect(await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized')).toBe(1);
    } finally {
      await other.close();
      await other.disconnect();
    }
  });

  it('RETENTION_DAYS=0 removes the scheduler and its pending run', async () => {
    expect(await scheduleRetention(queue, { retentionDays: 0, everyMs: 60_000 })).toBe('removed');
    expect(await queue.getJobSchedulers()).toEqual([]);
    expect(await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized')).toBe(0);
  });

  it('the processor drops expired days whole and deletes comparison rows in bounded runs: a capped run reports itself incomplete and the next one finishes', async () => {
    await createPredictionWriter(db.orm).insertMany([...rows(25, 10, 'old'), ...rows(5, 1, 'recent')]);
    await createComparisonWriter(db.orm).write([...comparisons(30, 10), ...comparisons(3, 1)]);
    worker = new Worker(MAINTENANCE_QUEUE, makeRetentionProcessor({ store: retentionStore(db.orm), logger: testLogger, chunkSize: 4, maxRowsPerRun: 20 }), {
      connection: redis.duplicate(),
      prefix,
    });
    const run = async () => {
      const job = await queue.add(JobName.purge, { retentionDays: 7 });
      await vi.waitFor(async () => expect(await job.isCompleted()).toBe(true), { timeout: 15_000, interval: 50 });
      return (await queue.getJob(job.id!))!.returnvalue as PurgeJobResult;
    };
    // The 25 old predictions go with their day's partition (uncapped); comparisons stop at the cap.
    expect(await run()).toMatchObject({ deleted: 25 + 20, complete: false });
    expect(await countByAge(db)).toEqual({ old: 0, recent: 5 });
    expect(await countComparisons(db)).toBe(10 + 3);
    expect(await run()).toMatchObject({ deleted: 10, complete: true });
    expect(await countComparisons(db)).toBe(3);
  });

  it('a capped run queues the next one at once, so a backlog is worked off back to back', async () => {
    await createComparisonWriter(db.orm).write(comparisons(50, 10));
    await worker?.close();
    worker = new Worker(
      MAINTENANCE_QUEUE,
      makeRetentionProcessor({ store: retentionStore(db.orm), logger: testLogger, chunkSize: 4, maxRowsPerRun: 20, continueWith: (data, after) => continuePurge(queue, data, after) }),
      { connection: redis.duplicate(), prefix },
    );
    await queue.add(JobName.purge, { retentionDays: 7 });
    // 50 old rows at 20 per run: three runs, the last two queued by the ones before, no scheduler involved.
    await vi.waitFor(async () => expect(await countComparisons(db)).toBe(3), { timeout: 15_000, interval: 50 });
    expect(await countByAge(db)).toEqual({ old: 0, recent: 5 });
  });

  it('a purge job without a valid retention fails at once instead of deleting anything', async () => {
    const job = await queue.add(JobName.purge, { retentionDays: 0 });
    await vi.waitFor(async () => expect(await job.isFailed()).toBe(true), { timeout: 15_000, interval: 50 });
    expect((await queue.getJob(job.id!))!.failedReason).toMatch(/invalid purge job/);
    expect(await countByAge(db)).toEqual({ old: 0, recent: 5 });
  });
});
