// Pins jobs/bullmq-job-hash.ts, the one place that reads BullMQ's job hash directly, to the bullmq version
// it was checked against, and checks against real Redis that it reads what BullMQ's own Job reports.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BULLMQ_VERSION_CHECKED, bullmqJobHash, type BullmqJobHash } from '../src/jobs/bullmq-job-hash.js';
import { REDIS_URL } from './support/harness.js';

interface Data {
  texts: string[];
}
interface Result {
  labels: string[];
  total: number;
}

describe('the bullmq version', () => {
  it('is the one bullmq-job-hash.ts was checked against', () => {
    // Resolved as the API resolves `bullmq`: node_modules/bullmq/package.json.
    const installed = (createRequire(import.meta.url)('bullmq/package.json') as { version: string }).version;
    expect(
      installed,
      `bullmq ${installed} is installed, but apps/api/src/jobs/bullmq-job-hash.ts was checked against ${BULLMQ_VERSION_CHECKED}. ` +
        "Whoever upgrades BullMQ: re-check the adapter's hash field names and encodings against this version's Job.fromJSON " +
        '(and its backend raw-to-JSON step), make the rest of this file pass, then set BULLMQ_VERSION_CHECKED to the new version.',
    ).toBe(BULLMQ_VERSION_CHECKED);
  });
});

describe('bullmqJobHash against a real queue and worker', () => {
  const prefix = `test-job-hash-${randomBytes(6).toString('hex')}`;
  let redis: Redis;
  let queue: Queue<Data, Result>;
  let worker: Worker<Data, Result>;
  let hash: BullmqJobHash<Data, Result>;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let started: (id: string) => void = () => undefined;
  const active = new Promise<string>((resolve) => (started = resolve));

  beforeAll(async () => {
    // As in the API: the queue and the adapter share one connection.
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    queue = new Queue<Data, Result>('hash-check', { connection: redis, prefix });
    hash = bullmqJobHash(queue, redis);
  });
  afterAll(async () => {
    release();
    await worker?.close(true);
    await queue?.obliterate({ force: true });
    await queue?.close();
    await redis?.quit();
  });

  function startWorker(): void {
    worker = new Worker<Data, Result>(
      'hash-check',
      async (job) => {
        if (job.name === 'fail') throw new UnrecoverableError('cannot classify this');
        await job.updateProgress({ done: 1, total: job.data.texts.length });
        started(job.id!);
        await held;
        return { labels: job.data.texts.map(() => 'positive'), total: job.data.texts.length };
      },
      { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix },
    );
  }

  /** The adapter's reading of job `id` equals BullMQ's own (Job.fromId), in the state BullMQ reports. */
  async function expectSameAsBullmq(id: string, state: string): Promise<void> {
    const job = (await Job.fromId<Data, Result>(queue, id))!;
    expect(await job.getState()).toBe(state);
    const withReturnValue = state === 'completed';
    expect(await hash.fields(id, { withReturnValue })).toEqual({
      timestamp: job.timestamp,
      finishedOn: job.finishedOn,
      progress: job.progress,
      failedReason: job.failedReason,
      returnvalue: withReturnValue ? job.returnvalue : undefined,
    });
    expect(await hash.data(id)).toEqual(job.data);
  }

  const stateOf = (id: string) => queue.getJobState(id);

  it('reads waiting and prioritized jobs as BullMQ does', async () => {
    const waiting = await queue.add('classify', { texts: ['a', 'b'] });
    const prioritized = await queue.add('classify', { texts: ['c'] }, { priority: 10 });
    await expectSameAsBullmq(waiting.id!, 'waiting');
    await expectSameAsBullmq(prioritized.id!, 'prioritized');
    expect((await hash.fields(waiting.id!, { withReturnValue: false }))?.progress).toBe(0); // BullMQ's default
  });

  it('reads an active job with reported progress, then the completed job with its result', async () => {
    await queue.obliterate({ force: true });
    const job = await queue.add('classify', { texts: ['good', 'fine', 'ok'] });
    startWorker();
    expect(await active).toBe(job.id);
    await expectSameAsBullmq(job.id!, 'active');
    expect((await hash.fields(job.id!, { withReturnValue: false }))?.progress).toEqual({ done: 1, total: 3 });

    release();
    await vi.waitFor(async () => expect(await stateOf(job.id!)).toBe('completed'), { timeout: 5000 });
    await expectSameAsBullmq(job.id!, 'completed');
    const fields = await hash.fields(job.id!, { withReturnValue: true });
    expect(fields?.returnvalue).toEqual({ labels: ['positive', 'positive', 'positive'], total: 3 });
    expect(fields?.finishedOn).toEqual(expect.any(Number));
    // The stored bytes, passed on unparsed by GET /jobs/:id, are the JSON of what BullMQ's Job reads back.
    const stored = await hash.returnValueJson(job.id!);
    expect(JSON.parse(stored!.toString('utf8'))).toEqual((await Job.fromId(queue, job.id!))!.returnvalue);
    expect(await hash.returnValueJson('no-such-job')).toBeUndefined();
  });

  it('reads a failed job and its reason', async () => {
    const job = await queue.add('fail', { texts: ['x'] });
    await vi.waitFor(async () => expect(await stateOf(job.id!)).toBe('failed'), { timeout: 5000 });
    await expectSameAsBullmq(job.id!, 'failed');
    expect((await hash.fields(job.id!, { withReturnValue: false }))?.failedReason).toBe('cannot classify this');
  });

  it('finds nothing for a job that does not exist, like Job.fromId', async () => {
    expect(await Job.fromId(queue, 'no-such-job')).toBeUndefined();
    expect(await hash.fields('no-such-job', { withReturnValue: true })).toBeNull();
    expect(await hash.data('no-such-job')).toBeUndefined();
  });
});
