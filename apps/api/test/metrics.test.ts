import { randomUUID } from 'node:crypto';
import { MetricsTime, Worker } from 'bullmq';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobName, PERSIST_QUEUE, type ClassifyJobData, type ClassifyJobResult } from '@sentiment/queue';
import { QUEUE_STATES } from '../src/metrics.js';
import { CLOSED_PORT, createHarness, REDIS_URL, stubProcessor, type Harness } from './support/harness.js';
import { sample, samples } from './support/prometheus.js';

const KEY = 'metrics-test-key-0123456789';
const count = (route: string, method: string, status: number) => ({ method, route, status_code: String(status) });

describe('GET /metrics', () => {
  let h: Harness;
  let worker: Worker<ClassifyJobData, ClassifyJobResult>;
  beforeAll(async () => {
    h = await createHarness({ metrics: { queueStatsCacheMs: 0 } });
    // As the real workers run: with BullMQ's metrics on, so its completed/failed totals are kept.
    worker = new Worker(h.queue.name, stubProcessor, {
      connection: { url: REDIS_URL, maxRetriesPerRequest: null },
      prefix: h.prefix,
      metrics: { maxDataPoints: MetricsTime.ONE_HOUR },
    });
    await worker.waitUntilReady();
  });
  afterAll(async () => {
    await worker?.close(true);
    await h?.close();
  });

  it('after a prediction, shows request latency by route pattern, queue depth by state and process metrics', async () => {
    expect((await request(h.app).post('/predict').send({ text: 'a great film' })).status).toBe(200);
    const unknownJob = randomUUID();
    expect((await request(h.app).get(`/jobs/${unknownJob}`)).status).toBe(404);
    expect((await request(h.app).get('/no/such/route-42')).status).toBe(404);
    // Rows parked while Postgres is down wait here; no persist worker runs in this test.
    await h.clients.persistQueue.add(JobName.persist, { rows: [] });

    const res = await request(h.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;

    expect(sample(text, 'http_request_duration_seconds_count', count('/predict', 'POST', 200))).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_sum', count('/predict', 'POST', 200))).toBeGreaterThan(0);
    // A 404 thrown by the /jobs/:id handler keeps its pattern; a path no route knows gets one label.
    expect(sample(text, 'http_request_duration_seconds_count', count('/jobs/:id', 'GET', 404))).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', count('unmatched', 'GET', 404))).toBe(1);
    const routes = new Set(samples(text).flatMap((s) => (s.labels.route ? [s.labels.route] : [])));
    expect([...routes].sort()).toEqual(['/jobs/:id', '/predict', 'unmatched']);
    expect(text).not.toContain(unknownJob);

    for (const queue of [h.queue.name, PERSIST_QUEUE]) {
      for (const state of QUEUE_STATES) expect(sample(text, 'bullmq_job_count', { queue, state }), `${queue} ${state}`).toBeTypeOf('number');
    }
    expect(sample(text, 'bullmq_job_count', { queue: h.queue.name, state: 'completed' })).toBe(1);
    expect(sample(text, 'bullmq_job_count', { queue: h.queue.name, state: 'waiting' })).toBe(0);
    expect(sample(text, 'bullmq_job_count', { queue: PERSIST_QUEUE, state: 'waiting' })).toBe(1);
    expect(sample(text, 'bullmq_job_completed_total', { queue: h.queue.name })).toBe(1);
    expect(sample(text, 'bullmq_job_failed_total', { queue: h.queue.name })).toBe(0);

    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeTypeOf('number');
  });

  it('times itself like any route, and a second scrape sees the first', async () => {
    const before = sample((await request(h.app).get('/metrics')).text, 'http_request_duration_seconds_count', count('/metrics', 'GET', 200)) ?? 0;
    const after = sample((await request(h.app).get('/metrics')).text, 'http_request_duration_seconds_count', count('/metrics', 'GET', 200));
    expect(after).toBe(before + 1);
  });
});

describe('GET /metrics with API_KEYS and rate limiting', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ metrics: {}, access: { apiKeys: [KEY], rateLimitPerMinute: 2 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('needs a key like every endpoint but /health', async () => {
    const res = await request(h.app).get('/metrics');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await request(h.app).get('/metrics').set('Authorization', 'Bearer not-a-valid-key-at-all')).status).toBe(401);
  });

  it('counts wrong keys against the rate limit: no unlimited key-guessing oracle', async () => {
    const statuses: number[] = [];
    // Limit 2 per fixed minute: within 5 guesses one is refused even if a window ends midway.
    for (let i = 0; i < 5; i++) statuses.push((await request(h.app).get('/metrics').set('Authorization', `Bearer guess-${i}-0000000000000000`)).status);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('is never rate limited with a valid key, while other endpoints are', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await request(h.app).get('/metrics').set('Authorization', `Bearer ${KEY}`)).status).toBe(200);
    }
    const others = [];
    for (let i = 0; i < 3; i++) others.push((await request(h.app).get(`/jobs/${randomUUID()}`).set('Authorization', `Bearer ${KEY}`)).status);
    expect(others).toEqual([404, 404, 429]);
  });
});

describe('GET /metrics with Redis unreachable', () => {
  it('still answers, with process metrics and no stale queue series', async () => {
    const h = await createHarness({ redisUrl: `redis://127.0.0.1:${CLOSED_PORT}`, metrics: {} });
    try {
      const res = await request(h.app).get('/metrics');
      expect(res.status).toBe(200);
      expect(sample(res.text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(sample(res.text, 'bullmq_job_count')).toBeUndefined();
      expect(res.text).toContain('# TYPE bullmq_job_count gauge');
    } finally {
      await h.close();
    }
  });
});
