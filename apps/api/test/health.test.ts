import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { PERSIST_QUEUE } from '@sentiment/queue';
import { connectDatabase } from '../src/database.js';
import { CLOSED_PORT, createHarness, REDIS_URL, silentLogger, stubProcessor, type Harness } from './support/harness.js';

let h: Harness;
/** What the shared test Redis really does; /ready must say the same. */
let persistence: string;
beforeAll(async () => {
  h = await createHarness();
  const [, aof] = (await h.clients.redis.config('GET', 'appendonly')) as string[];
  const [, save] = (await h.clients.redis.config('GET', 'save')) as string[];
  persistence = aof === 'yes' ? 'aof' : save ? 'snapshots' : 'none';
});
afterAll(async () => {
  await h?.close();
});

describe('OPTIONS without CORS configured', () => {
  it('answers 204 with no body, not an HTML list of methods', async () => {
    const res = await request(h.app).options('/predict');
    expect(res.status).toBe(204);
    expect(res.text ?? '').toBe('');
    expect(res.headers['content-type']).toBeUndefined();
  });
});

describe('GET /health', () => {
  it('answers 200 while the process runs', async () => {
    const res = await request(h.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('GET /ready', () => {
  it('is 503 with workers: 0 while no worker is connected, then 200 once one is', async () => {
    const before = await request(h.app).get('/ready');
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({ status: 'unavailable', checks: { redis: 'ok', postgres: 'ok', workers: 0, writes: 'ok', persistence } });
    expect(before.body.problems[0]).toMatch(/^workers: none connected/);

    const worker = h.startWorker(stubProcessor);
    await worker.waitUntilReady();
    // The worker registers its connection name as it starts; poll rather than guess a delay.
    let res = await request(h.app).get('/ready');
    for (let i = 0; i < 50 && res.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await request(h.app).get('/ready');
    }
    expect(res.status).toBe(200);
    // Without Redis persistence it is ready but degraded, and says why.
    expect(res.body).toMatchObject({ status: persistence === 'none' ? 'degraded' : 'ok', checks: { redis: 'ok', postgres: 'ok', workers: 1, writes: 'ok', persistence } });
    expect(res.body.problems).toHaveLength(persistence === 'none' ? 1 : 0);
  });

  it('counts only workers of its own deployment: the same queue prefix on another Redis database does not count', async () => {
    const other = new Worker(h.queue.name, stubProcessor, { connection: { url: `${REDIS_URL}/1`, maxRetriesPerRequest: null }, prefix: h.prefix });
    try {
      await other.waitUntilReady();
      await new Promise((r) => setTimeout(r, 300));
      const res = await request(h.app).get('/ready');
      expect(res.body.checks.workers).toBe(1); // the one started above on database 0, not this one
    } finally {
      await other.close();
    }
  });

  it('stays 200 (degraded, postgres: down) when only the database is unreachable: predictions still work', async () => {
    const db = await connectDatabase({ clientUrl: `postgresql://postgres@127.0.0.1:${CLOSED_PORT}/test`, logger: silentLogger });
    const down = await createHarness({ analytics: db.analytics });
    const worker = down.startWorker(stubProcessor);
    try {
      await worker.waitUntilReady();
      await down.announced();
      let res = await request(down.app).get('/ready');
      for (let i = 0; i < 50 && res.body.checks.workers === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        res = await request(down.app).get('/ready');
      }
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.checks).toMatchObject({ postgres: 'down', redis: 'ok', workers: 1 });
      expect(res.body.problems.join('\n')).toMatch(/postgres: unreachable; predictions continue/);

      // Predictions go on through the queue while analytics, which need Postgres, say so.
      const predicted = await request(down.app).post('/predict').send({ text: 'still answered' });
      expect(predicted.status).toBe(200);

      const analytics = await request(down.app).get('/analytics/summary');
      expect(analytics.status).toBe(503);
      expect(analytics.body.error.code).toBe('database_unavailable');
      expect(analytics.headers['retry-after']).toBeDefined();
    } finally {
      await down.close();
      await db.close();
    }
  });
});

describe('when Redis is unreachable (queue connection pointed at a closed port)', () => {
  let down: Harness;
  beforeAll(async () => {
    down = await createHarness({ redisUrl: `redis://127.0.0.1:${CLOSED_PORT}` });
  });
  afterAll(async () => {
    await down?.close();
  });

  it('POST /predict answers 503 queue_unavailable with Retry-After', async () => {
    const res = await request(down.app).post('/predict').send({ text: 'hello' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('queue_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it.each([
    ['post', '/batch', { texts: ['a'] }],
    ['post', '/jobs', { texts: ['a'] }],
    ['get', '/jobs/00000000-0000-4000-8000-000000000000', undefined],
  ] as const)('%s %s answers 503 queue_unavailable too', async (method, path, body) => {
    const res = method === 'post' ? await request(down.app).post(path).send(body) : await request(down.app).get(path);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('queue_unavailable');
  });

  it('still validates input first (400, not 503)', async () => {
    const res = await request(down.app).post('/predict').send({ text: '' });
    expect(res.status).toBe(400);
  });

  it('/ready reports redis down, /health stays 200', async () => {
    const ready = await request(down.app).get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ redis: 'down', postgres: 'ok', workers: 0, writes: 'ok', persistence: 'unknown', replica: 'off', replica_lag_s: null });
    expect(ready.body.problems[0]).toMatch(/^redis: unreachable/);
    expect((await request(down.app).get('/health')).status).toBe(200);
  });
});

describe('Bull Board', () => {
  it('serves its UI at /admin/queues', async () => {
    const res = await request(h.app).get('/admin/queues');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toMatch(/<div id="root">|bull/i);
    // Nothing from the internet: the page must work offline (and under the CSP).
    expect(res.text).not.toMatch(/https?:\/\/(?!localhost|127\.0\.0\.1)[a-z0-9.-]+\.[a-z]{2,}\//i);
  });

  it('lists every model\'s prediction queue and the persist queue in its API', async () => {
    await request(h.app).post('/jobs').send({ texts: ['for the board'] });
    const res = await request(h.app).get('/admin/queues/api/queues');
    expect(res.status).toBe(200);
    const names = res.body.queues.map((q: { name: string }) => q.name);
    expect(names).toEqual(expect.arrayContaining([...h.clients.predictionQueues.all().map((q) => q.name), PERSIST_QUEUE]));
  });
});
