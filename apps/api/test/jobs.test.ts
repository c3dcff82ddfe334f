import request from 'supertest';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobName } from '@sentiment/queue';
import { PRIORITY } from '../src/jobs/submit.js';
import { createHarness, stubProcessor, type Harness } from './support/harness.js';

// No worker runs until the last describe block, so jobs stay queued.
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ syncTimeoutMs: 300 });
});
afterAll(async () => {
  await h?.close();
});

// Job ids are UUIDv7 (newJobId): their leading bits are when the job was made.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('asking for an async answer', () => {
  it('?async=true → 202 + Location; the job is queued with the text and interactive priority', async () => {
    const res = await request(h.app).post('/predict?async=true').set('X-Request-Id', 'req-async-1').send({ text: 'I love it' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ job_id: expect.stringMatching(UUID), status: 'queued', status_url: `/jobs/${res.body.job_id}` });
    expect(res.headers.location).toBe(`/jobs/${res.body.job_id}`);

    const job = await h.queue.getJob(res.body.job_id);
    expect(job?.name).toBe(JobName.classify);
    expect(job?.data).toEqual({ texts: ['I love it'], model: h.defaultModel, source: 'predict', requestId: 'req-async-1', cacheScope: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(job?.opts.priority ?? 0).toBe(PRIORITY.predict);
    expect(job?.opts.attempts).toBe(3);
  });

  it('Prefer: respond-async → 202 for /batch, the job holds the texts in order', async () => {
    const texts = ['one', 'two', 'three'];
    const res = await request(h.app).post('/batch').set('Prefer', 'respond-async').send({ texts });
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/jobs/${res.body.job_id}`);
    expect(res.headers['preference-applied']).toBe('respond-async');
    const job = await h.queue.getJob(res.body.job_id);
    expect(job?.data.texts).toEqual(texts);
    expect(job?.data.source).toBe('batch');
  });

  it('GET /jobs/:id shows a queued job with progress {done: 0, total: n}', async () => {
    const posted = await request(h.app).post('/batch?async=true').send({ texts: ['a', 'b', 'c', 'd'] });
    const res = await request(h.app).get(posted.body.status_url);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      job_id: posted.body.job_id,
      status: 'queued',
      progress: { done: 0, total: 4 },
      created_at: expect.any(String),
      finished_at: null,
    });
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
  });

  it('a sync request that does not finish in time answers 202 (no worker is running)', async () => {
    const res = await request(h.app).post('/predict').send({ text: 'nobody will process me' });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('queued');
    expect(res.headers.location).toBe(res.body.status_url);
  });
});

describe('POST /jobs', () => {
  it('queues bulk work at a lower priority than interactive requests', async () => {
    const res = await request(h.app).post('/jobs').send({ texts: ['x', 'y'] });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ job_id: expect.stringMatching(UUID), status: 'queued', status_url: `/jobs/${res.body.job_id}`, total: 2 });
    expect(res.headers.location).toBe(res.body.status_url);
    const job = await h.queue.getJob(res.body.job_id);
    expect(job?.data.source).toBe('jobs');
    // BullMQ serves lower numbers first.
    expect(job?.opts.priority).toBe(PRIORITY.jobs);
    expect(PRIORITY.jobs).toBeGreaterThan(PRIORITY.predict);
  });

  it('rejects 10,001 texts with 400', async () => {
    const res = await request(h.app).post('/jobs').send({ texts: Array(10_001).fill('x') });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });
});

describe('GET /jobs/:id for ids that are not jobs', () => {
  it.each([
    ['an unknown uuid', '/jobs/00000000-0000-4000-8000-000000000000'],
    ['a non-uuid id', '/jobs/42'],
    ['an encoded path traversal', '/jobs/..%2F..%2Fetc%2Fpasswd'],
    ['a plain path traversal', '/jobs/../../etc/passwd'],
    ['a redis key lookalike', '/jobs/*'],
  ])('%s → 404 not_found JSON', async (_name, path) => {
    const res = await request(h.app).get(path);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('with a real BullMQ worker running a stub processor (drives the status endpoint only, not the model)', () => {
  beforeAll(() => {
    h.startWorker(async (job, token) => {
      if (job.data.texts[0] === 'explode') throw new UnrecoverableError('model exploded');
      return stubProcessor(job, token);
    });
  });

  it('POST /predict answers 200 with the first prediction when the job finishes in time', async () => {
    // Earlier queued jobs may be processed first; allow a generous wait here.
    const app = (await createHarnessSharingQueue()).app;
    const res = await request(app).post('/predict').send({ text: 'what a great day' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sentiment: 'positive',
      confidence: 0.9,
      latency_ms: 1.5,
      model_version: 'stub-v0',
      cache_hit: false,
    });
  });

  it('POST /batch answers 200 with predictions in input order', async () => {
    const app = (await createHarnessSharingQueue()).app;
    const res = await request(app).post('/batch').send({ texts: ['good', 'bad', 'good'] });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.predictions.map((p: { sentiment: string }) => p.sentiment)).toEqual(['positive', 'negative', 'positive']);
  });

  it('GET /jobs/:id shows a completed job with its result and finished_at', async () => {
    const posted = await request(h.app).post('/jobs').send({ texts: ['fine', 'bad'] });
    await vi.waitFor(async () => expect(await h.queue.getJobState(posted.body.job_id)).toBe('completed'), {
      timeout: 30_000,
      interval: 50,
    });

    const res = await request(h.app).get(posted.body.status_url);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ job_id: posted.body.job_id, status: 'completed', progress: { done: 2, total: 2 } });
    expect(res.body.result.total).toBe(2);
    expect(res.body.result.predictions.map((p: { sentiment: string }) => p.sentiment)).toEqual(['positive', 'negative']);
    expect(Date.parse(res.body.finished_at)).toBeGreaterThanOrEqual(Date.parse(res.body.created_at));
    expect(res.body.error).toBeUndefined();
  });

  it('GET /jobs/:id shows a failed job with an error, and a sync /predict reports 502 job_failed', async () => {
    const app = (await createHarnessSharingQueue()).app;
    const res = await request(app).post('/predict').send({ text: 'explode' });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'job_failed', message: 'model exploded' });

    const status = await request(h.app).get(res.body.error.details.status_url);
    expect(status.body).toMatchObject({ status: 'failed', error: { code: 'job_failed', message: 'model exploded' } });
    expect(status.body.finished_at).not.toBeNull();
  });
});

/** The same queue, but with a sync timeout long enough for the worker to catch up on a slow machine. */
async function createHarnessSharingQueue() {
  const { createApp } = await import('../src/app.js');
  const { createRedisHealth } = await import('../src/redis-health.js');
  const { silentLogger } = await import('./support/harness.js');
  return {
    app: createApp({
      jobs: h.jobs,
      models: h.models,
      analytics: h.analytics,
      redisHealth: createRedisHealth(h.clients.redis, h.prefix),
      boardQueues: [h.queue],
      logger: silentLogger,
      syncTimeoutMs: 20_000,
      bodyLimit: '1mb',
    }),
  };
}
