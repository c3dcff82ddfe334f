import request from 'supertest';
import { workInProgress } from '@sentiment/queue';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLOSED_PORT, createHarness, stubProcessor, type Harness } from './support/harness.js';

const FULL = { status: 503, code: 'queue_full' };

describe('backpressure: MAX_QUEUE_DEPTH=5 texts waiting or in progress, no worker', () => {
  let h: Harness;
  beforeAll(async () => {
    // Depth not cached, so each request sees the queue as it is (the app caches it for 250 ms).
    h = await createHarness({ maxQueueDepth: 5, queueDepthCacheMs: 0 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('accepts work until 5 texts wait (counting texts, not jobs), then refuses new work with 503 queue_full', async () => {
    // Two jobs, five texts: a job counter would still say "2 of 5".
    const bulk = await request(h.app).post('/jobs').send({ texts: ['one', 'two', 'three'] });
    expect(bulk.status).toBe(202);
    const interactive = await request(h.app).post('/batch?async=true').send({ texts: ['four', 'five'] });
    expect(interactive.status).toBe(202);

    for (const [path, body] of [
      ['/predict', { text: 'six' }],
      ['/predict?async=true', { text: 'six' }],
      ['/batch', { texts: ['six'] }],
      ['/jobs', { texts: ['six'] }],
    ] as const) {
      const res = await request(h.app).post(path).send(body);
      expect({ status: res.status, code: res.body.error?.code }).toEqual(FULL);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body.error.message).toMatch(/queue/);
    }

    expect(await h.queue.getJobCountByTypes('wait', 'prioritized')).toBe(2);
  });

  it('counts the texts of a job sent with an Idempotency-Key too', async () => {
    const h2 = await createHarness({ maxQueueDepth: 5, queueDepthCacheMs: 0 });
    try {
      const keyed = await request(h2.app).post('/jobs').set('Idempotency-Key', 'upload-1').send({ texts: ['1', '2', '3', '4', '5'] });
      expect(keyed.status).toBe(202);
      const next = await request(h2.app).post('/predict?async=true').send({ text: 'six' });
      expect({ status: next.status, code: next.body.error?.code }).toEqual(FULL);
    } finally {
      await h2.close();
    }
  });

  it('counts every text of jobs shared by requests arriving together', async () => {
    const h2 = await createHarness({ maxQueueDepth: 6, queueDepthCacheMs: 0, syncTimeoutMs: 200 });
    try {
      // Six waiting requests at once share jobs (coalescing); with no worker, each ends as a 202.
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => request(h2.app).post('/predict').send({ text: `shared ${i}` })));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
      expect(await h2.queue.count()).toBeLessThan(6);
      const next = await request(h2.app).post('/predict?async=true').send({ text: 'seven' });
      expect({ status: next.status, code: next.body.error?.code }).toEqual(FULL);
    } finally {
      await h2.close();
    }
  });

  it('still answers reads while full', async () => {
    const counts = await h.queue.getJobCountByTypes('wait', 'prioritized');
    expect(counts).toBeGreaterThan(0);
    const [job] = await h.queue.getJobs(['prioritized'], 0, 0);
    const status = await request(h.app).get(`/jobs/${job!.id}`);
    expect(status.status).toBe(200);
    expect(status.body.status).toBe('queued');
    expect((await request(h.app).get('/analytics/summary')).status).toBe(200);
    expect((await request(h.app).get('/health')).status).toBe(200);
  });

  it('accepts work again once a worker has answered the texts', async () => {
    const worker = h.startWorker(stubProcessor);
    await worker.waitUntilReady();
    let res = await request(h.app).post('/jobs').send({ texts: ['after the drain'] });
    for (let i = 0; i < 100 && res.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await request(h.app).post('/jobs').send({ texts: ['after the drain'] });
    }
    expect(res.status).toBe(202);
  });
});

describe('backpressure counts work in progress, in O(1)', () => {
  it('keeps counting a job a worker has taken until it is answered', async () => {
    const h = await createHarness({ maxQueueDepth: 3, queueDepthCacheMs: 0 });
    try {
      // A worker that takes the job and holds it: the texts are out of the waiting list but not answered.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const worker = h.startWorker(async (job) => {
        await held;
        return stubProcessor(job);
      });
      await worker.waitUntilReady();
      const bulk = await request(h.app).post('/jobs').send({ texts: ['one', 'two', 'three'] });
      expect(bulk.status).toBe(202);
      await vi.waitFor(async () => expect(await h.queue.getActiveCount()).toBe(1), { timeout: 10_000 });
      const refused = await request(h.app).post('/predict?async=true').send({ text: 'four' });
      expect({ status: refused.status, code: refused.body.error?.code }).toEqual(FULL);
      release();
      await vi.waitFor(async () => expect((await request(h.app).post('/predict?async=true').send({ text: 'five' })).status).toBe(202), { timeout: 10_000 });
    } finally {
      await h.close();
    }
  });

  it('forgets jobs that ended without being counted out (removed in Bull Board) when it reconciles', async () => {
    const h = await createHarness({ maxQueueDepth: 3, queueDepthCacheMs: 0 });
    try {
      const bulk = await request(h.app).post('/jobs').send({ texts: ['one', 'two', 'three'] });
      expect((await request(h.app).post('/jobs').send({ texts: ['x'] })).status).toBe(503);
      await (await h.queue.getJob(bulk.body.job_id))!.remove();
      const work = workInProgress(h.clients.redis, h.prefix);
      expect(await work.reconcile()).toBe(3);
      expect(await work.texts()).toBe(0);
      expect((await request(h.app).post('/jobs').send({ texts: ['x'] })).status).toBe(202);
    } finally {
      await h.close();
    }
  });
});

describe('backpressure with the default depth cache', () => {
  it('refuses once the cached depth is refreshed', async () => {
    const h = await createHarness({ maxQueueDepth: 2 });
    try {
      expect((await request(h.app).post('/jobs').send({ texts: ['a', 'b', 'c'] })).status).toBe(202);
      // The depth is re-read at most every 250 ms: poll instead of guessing when.
      let res = await request(h.app).post('/jobs').send({ texts: ['d'] });
      for (let i = 0; i < 50 && res.status === 202; i++) {
        await new Promise((r) => setTimeout(r, 50));
        res = await request(h.app).post('/jobs').send({ texts: ['d'] });
      }
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('queue_full');
    } finally {
      await h.close();
    }
  });
});

describe('backpressure while Redis is unreachable', () => {
  it('does not turn requests into 500s: the queue answers its own 503 queue_unavailable', async () => {
    const down = await createHarness({ redisUrl: `redis://127.0.0.1:${CLOSED_PORT}`, maxQueueDepth: 5 });
    try {
      const res = await request(down.app).post('/predict').send({ text: 'hello' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('queue_unavailable');
    } finally {
      await down.close();
    }
  });
});
