import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createPredictionJobs } from '../src/jobs/create-prediction-jobs.js';
import { createRedisHealth } from '../src/redis-health.js';
import { createQueueClients } from '../src/queue-clients.js';
import { rateLimitKeyPrefix } from '../src/security/rate-limit.js';
import { CLOSED_PORT, REDIS_URL, createHarness, silentLogger, type Harness } from './support/harness.js';

const ADMIN = { user: 'ops', password: 'correct horse battery staple' };
const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-fedcba9876543210';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const bearer = (key: string) => `Bearer ${key}`;

const harnesses: Harness[] = [];
async function harness(options: Parameters<typeof createHarness>[0]): Promise<Harness> {
  const h = await createHarness(options);
  harnesses.push(h);
  return h;
}
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
});

describe('Bull Board behind admin credentials', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ access: { admin: ADMIN } });
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong password', basic(ADMIN.user, 'not the password')],
    ['a wrong user', basic('someone', ADMIN.password)],
    ['a bearer token', bearer(KEY_A)],
  ])('answers 401 with a Basic challenge and the JSON error for %s', async (_what, authorization) => {
    const req = request(h.app).get('/admin/queues');
    const res = authorization ? await req.set('Authorization', authorization) : await req;
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="admin"');
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('guards the board API and any other admin route too', async () => {
    expect((await request(h.app).get('/admin/queues/api/queues')).status).toBe(401);
    expect((await request(h.app).get('/admin/anything')).status).toBe(401);
  });

  it('refuses state-changing admin requests from another site, even with the right credentials', async () => {
    const auth = basic(ADMIN.user, ADMIN.password);
    const add = (headers: Record<string, string>) =>
      request(h.app).post(`/admin/queues/api/queues/${h.queue.name}/add`).set('Authorization', auth).set(headers).set('Content-Type', 'text/plain').send('{"name":"classify","data":{"texts":["csrf"],"source":"jobs"}}');
    const before = await h.queue.count();
    for (const headers of [{ Origin: 'https://evil.example.net' }, { 'Sec-Fetch-Site': 'cross-site' }, { Origin: 'null' }] as Record<string, string>[]) {
      const res = await add(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect(await h.queue.count()).toBe(before);
    // The board's own page (same origin) and tools without an Origin may still act.
    const own = await request(h.app).put(`/admin/queues/api/queues/${h.queue.name}/pause`).set('Authorization', auth).set('Origin', 'http://127.0.0.1').set('Host', '127.0.0.1');
    expect(own.status).not.toBe(403);
    const tool = await request(h.app).put(`/admin/queues/api/queues/${h.queue.name}/resume`).set('Authorization', auth);
    expect(tool.status).not.toBe(403);
  });

  it('serves the UI and a writable API with the right credentials', async () => {
    const ui = await request(h.app).get('/admin/queues').set('Authorization', basic(ADMIN.user, ADMIN.password));
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    const api = await request(h.app).get('/admin/queues/api/queues').set('Authorization', basic(ADMIN.user, ADMIN.password));
    expect(api.status).toBe(200);
    expect(api.body.queues.every((q: { readOnlyMode: boolean }) => !q.readOnlyMode)).toBe(true);
  });
});

describe('Bull Board without admin credentials', () => {
  it('is not mounted at all in production (404)', async () => {
    const h = await harness({ access: { production: true } });
    const res = await request(h.app).get('/admin/queues');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await request(h.app).get('/admin/queues/api/queues')).status).toBe(404);
  });

  it('is read-only outside production: it shows jobs but refuses retry and clean', async () => {
    const h = await harness({});
    const job = await request(h.app).post('/jobs').send({ texts: ['shown on the board'] });
    expect(job.status).toBe(202);

    const queues = await request(h.app).get('/admin/queues/api/queues');
    expect(queues.status).toBe(200);
    // Each model's predictions queue, prediction-writes and maintenance: every one read-only.
    expect(queues.body.queues.map((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toEqual([...h.registry.models.keys(), 'writes', 'maintenance'].map(() => true));

    for (const action of ['retry/failed', 'clean/completed', 'pause', 'empty']) {
      const res = await request(h.app).put(`/admin/queues/api/queues/${h.queue.name}/${action}`);
      expect(res.status, action).toBe(405);
    }
    const removed = await request(h.app).put(`/admin/queues/api/queues/${h.queue.name}/${job.body.job_id}/clean`);
    expect(removed.status).toBe(405);
    expect(await h.queue.getJob(job.body.job_id)).toBeDefined();
  });

  it('without credentials, serves the read-only board and the analytics page to this machine only', async () => {
    const h = await harness({});
    // Through a proxy (which a local reverse proxy would add for every outside visitor): refused.
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/dashboard', '/dashboard/api/summary']) {
      const res = await request(h.app).get(path).set('X-Forwarded-For', '203.0.113.7');
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(res.body.error.message).toMatch(/ADMIN_USER\/ADMIN_PASSWORD/);
    }
    // From another host: the API reached on this machine's LAN address.
    const lan = Object.values(networkInterfaces()).flat().find((i) => i?.family === 'IPv4' && !i.internal)?.address;
    if (lan) {
      const server = h.app.listen(0, lan);
      try {
        await new Promise((r) => server.once('listening', r));
        const { port } = server.address() as AddressInfo;
        const res = await fetch(`http://${lan}:${port}/admin/queues/api/queues`);
        expect(res.status).toBe(403);
      } finally {
        server.close();
      }
    }
    // Loopback, no proxy: served.
    expect((await request(h.app).get('/admin/queues/api/queues')).status).toBe(200);
  });
});

describe('API keys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ access: { apiKeys: [KEY_A, KEY_B], admin: ADMIN } });
  });

  it('leave /health open', async () => {
    expect((await request(h.app).get('/health')).status).toBe(200);
  });

  it.each([
    ['get', '/ready'],
    ['post', '/predict'],
    ['post', '/batch'],
    ['post', '/jobs'],
    ['get', '/jobs/00000000-0000-4000-8000-000000000000'],
    ['get', '/analytics/summary'],
    ['get', '/no-such-route'],
  ] as const)('%s %s without a key: 401 unauthorized with a Bearer challenge', async (method, path) => {
    const res = await request(h.app)[method](path);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('refuse an unknown key, a key sent as Basic, and a prefix of a real key', async () => {
    for (const authorization of [bearer('key-c-not-a-real-key'), basic('x', KEY_A), bearer(KEY_A.slice(0, -1))]) {
      const res = await request(h.app).get('/analytics/summary').set('Authorization', authorization);
      expect(res.status).toBe(401);
    }
  });

  it('let every configured key through', async () => {
    for (const key of [KEY_A, KEY_B]) {
      const res = await request(h.app).get('/analytics/summary').set('Authorization', bearer(key));
      expect(res.status).toBe(200);
    }
    const job = await request(h.app).post('/jobs').set('Authorization', bearer(KEY_A)).send({ texts: ['with a key'] });
    expect(job.status).toBe(202);
    const status = await request(h.app).get(job.headers.location!).set('Authorization', bearer(KEY_B));
    expect(status.status).toBe(200);
  });

  it('/ready works with a key (503 here: no worker) and reports its checks', async () => {
    const res = await request(h.app).get('/ready').set('Authorization', bearer(KEY_A));
    expect(res.status).toBe(503);
    expect(res.body.checks).toMatchObject({ redis: 'ok', postgres: 'ok', workers: 0, writes: 'ok' });
  });

  it('do not apply to the board, which takes its admin credentials instead', async () => {
    const res = await request(h.app).get('/admin/queues/api/queues').set('Authorization', basic(ADMIN.user, ADMIN.password));
    expect(res.status).toBe(200);
  });
});

describe('rate limiting (5 requests per minute per client)', () => {
  const limited = { rateLimitPerMinute: 5 };

  it('answers the 6th request 429 rate_limited with Retry-After and RateLimit-* headers; /health is exempt', async () => {
    const h = await harness({ access: limited });
    for (let i = 0; i < 5; i++) {
      const res = await request(h.app).get('/analytics/summary');
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('5');
      expect(res.headers['ratelimit-remaining']).toBe(String(4 - i));
    }
    const sixth = await request(h.app).get('/analytics/summary');
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('rate_limited');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expect(sixth.headers['ratelimit-reset']).toBeDefined();
    expect((await request(h.app).post('/predict').send({ text: 'hi' })).status).toBe(429);
    expect((await request(h.app).get('/health')).status).toBe(200);
  });

  it('shares the count between two API instances on the same Redis and prefix', async () => {
    const h = await harness({ access: limited });
    const clients = createQueueClients({ redis: { url: REDIS_URL }, prefix: h.prefix, models: [h.defaultModel], logger: silentLogger });
    try {
      await clients.predictionQueues.of(h.defaultModel).waitUntilReady();
      const other = createApp({
        jobs: createPredictionJobs(clients, { resultTtlS: 3600 }),
        models: h.models,
        analytics: h.analytics,
        redisHealth: createRedisHealth(clients.redis, h.prefix),
        boardQueues: [],
        logger: silentLogger,
        syncTimeoutMs: 2000,
        bodyLimit: '1mb',
        access: { rateLimit: { perMinute: 5, redis: clients.redis, prefix: rateLimitKeyPrefix(h.prefix) } },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await request(i % 2 ? other : h.app).get('/analytics/summary')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect((await request(h.app).get('/analytics/summary')).status).toBe(429);
    } finally {
      await clients.close();
    }
  });

  it('counts each valid API key on its own, and unknown tokens against the IP', async () => {
    const h = await harness({ access: { ...limited, apiKeys: [KEY_A, KEY_B] } });
    for (let i = 0; i < 5; i++) {
      expect((await request(h.app).get('/analytics/summary').set('Authorization', bearer(KEY_A))).status).toBe(200);
    }
    expect((await request(h.app).get('/analytics/summary').set('Authorization', bearer(KEY_A))).status).toBe(429);
    expect((await request(h.app).get('/analytics/summary').set('Authorization', bearer(KEY_B))).status).toBe(200);
    // Rotating junk tokens does not buy fresh counters: they all count against this client's IP.
    const junk = await Promise.all(
      Array.from({ length: 6 }, (_, i) => request(h.app).get('/analytics/summary').set('Authorization', bearer(`junk-token-${i}-xxxxxxxx`))),
    );
    expect(junk.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says whose to believe', async () => {
    const direct = await harness({ access: limited });
    const spoofed = await Promise.all(
      Array.from({ length: 6 }, (_, i) => request(direct.app).get('/analytics/summary').set('X-Forwarded-For', `203.0.113.${i}`)),
    );
    expect(spoofed.filter((r) => r.status === 429)).toHaveLength(1);

    const proxied = await harness({ access: { ...limited, trustProxy: ['loopback'] } });
    const clients = await Promise.all(
      Array.from({ length: 6 }, (_, i) => request(proxied.app).get('/analytics/summary').set('X-Forwarded-For', `203.0.113.${i}`)),
    );
    expect(clients.every((r) => r.status === 200)).toBe(true);
  });

  it('still limits when the app was built before Redis was connected (as at startup)', async () => {
    const h = await harness({});
    const clients = createQueueClients({ redis: { url: REDIS_URL }, prefix: h.prefix, models: [h.defaultModel], logger: silentLogger });
    try {
      const app = createApp({
        jobs: createPredictionJobs(clients, { resultTtlS: 3600 }),
        models: h.models,
        analytics: h.analytics,
        redisHealth: createRedisHealth(clients.redis, h.prefix),
        boardQueues: [],
        logger: silentLogger,
        syncTimeoutMs: 2000,
        bodyLimit: '1mb',
        access: { rateLimit: { perMinute: 5, redis: clients.redis, prefix: rateLimitKeyPrefix(h.prefix) } },
      });
      await clients.predictionQueues.of(h.defaultModel).waitUntilReady();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await request(app).get('/analytics/summary')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await clients.close();
    }
  });

  it('fails open while Redis is down: no 500s, the queue answers 503 and analytics still work', async () => {
    const down = await harness({ redisUrl: `redis://127.0.0.1:${CLOSED_PORT}`, access: limited });
    for (let i = 0; i < 6; i++) expect((await request(down.app).get('/analytics/summary')).status).toBe(200);
    const res = await request(down.app).post('/predict').send({ text: 'hello' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('queue_unavailable');
  });
});

describe('security headers and CORS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({});
  });

  it('sets helmet headers on API responses and no X-Powered-By', async () => {
    const res = await request(h.app).post('/predict?async=true').send({ text: 'headers' });
    expect(res.status).toBe(202);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-powered-by']).toBeUndefined();
    // Errors too: they are answered by the same app.
    const bad = await request(h.app).post('/predict').send({ text: '' });
    expect(bad.headers['x-content-type-options']).toBe('nosniff');
  });

  it('drops only the CSP on the board, whose UI needs inline scripts and styles', async () => {
    const res = await request(h.app).get('/admin/queues');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends no CORS headers by default', async () => {
    const res = await request(h.app).get('/analytics/summary').set('Origin', 'https://app.example.com');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the configured origins, preflights included (before the API key check)', async () => {
    const c = await harness({ access: { corsOrigins: ['https://app.example.com'], apiKeys: [KEY_A] } });
    const allowed = await request(c.app).get('/analytics/summary').set('Origin', 'https://app.example.com').set('Authorization', bearer(KEY_A));
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');

    const other = await request(c.app).get('/analytics/summary').set('Origin', 'https://evil.example.net').set('Authorization', bearer(KEY_A));
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await request(c.app)
      .options('/predict')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/i);
    // A browser client can send Idempotency-Key and read the paging and replay headers.
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/i);
    for (const name of ['Link', 'Idempotent-Replayed', 'Preference-Applied', 'Retry-After']) {
      expect(allowed.headers['access-control-expose-headers']).toContain(name);
    }
  });
});

describe('privacy in logs', () => {
  it('never writes the bearer key, admin password or input text to the log', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        output += chunk.toString();
        done();
      },
    });
    const secretText = 'my very private diary entry 7f3a';
    const logger = createLogger('trace', sink);
    const h = await harness({ logger, access: { apiKeys: [KEY_A], admin: ADMIN } });

    await request(h.app).post('/predict?async=true').set('Authorization', bearer(KEY_A)).set('Cookie', 'session=cookie-secret-9b1e').send({ text: secretText });
    await request(h.app).post('/batch').set('Authorization', bearer(KEY_A)).send({ texts: [secretText, ''] }); // 400
    await request(h.app).post('/jobs').set('Authorization', bearer('wrong-key-but-secret-41c2')).send({ texts: [secretText] }); // 401
    await request(h.app).get('/admin/queues').set('Authorization', basic(ADMIN.user, ADMIN.password));
    logger.flush();

    expect(output).toContain('request completed'); // the capture works: requests were logged
    for (const secret of [KEY_A, 'wrong-key-but-secret-41c2', 'cookie-secret-9b1e', ADMIN.password, basic(ADMIN.user, ADMIN.password), secretText]) {
      expect(output).not.toContain(secret);
    }
  });
});

describe('security configuration', () => {
  it('defaults: no keys, no CORS, 600/min, no proxy trusted, 200,000 waiting texts', () => {
    expect(loadConfig({})).toMatchObject({
      production: false,
      admin: undefined,
      apiKeys: [],
      corsOrigins: [],
      rateLimitPerMinute: 600,
      trustProxy: false,
      maxQueueDepth: 200_000,
    });
  });

  it('refuses to start in production without API keys unless ALLOW_ANONYMOUS=true says so', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/API_KEYS=unset: required when NODE_ENV=production; set ALLOW_ANONYMOUS=true/);
    expect(loadConfig({ NODE_ENV: 'production', ALLOW_ANONYMOUS: 'true' }).apiKeys).toEqual([]);
    expect(loadConfig({ NODE_ENV: 'production', API_KEYS: KEY_A }).apiKeys).toEqual([KEY_A]);
    expect(loadConfig({}).apiKeys).toEqual([]); // development stays open
  });

  it('reads lists, hop counts and proxy addresses', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ADMIN_USER: 'ops',
      ADMIN_PASSWORD: ADMIN.password,
      API_KEYS: ` ${KEY_A} ,${KEY_B},`,
      CORS_ORIGINS: 'https://app.example.com,http://localhost:5173',
      RATE_LIMIT_PER_MINUTE: '0',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      MAX_QUEUE_DEPTH: '0',
    });
    expect(config).toMatchObject({
      production: true,
      admin: { user: 'ops', password: ADMIN.password },
      apiKeys: [KEY_A, KEY_B],
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      rateLimitPerMinute: 0,
      trustProxy: ['loopback', '10.0.0.0/8'],
      maxQueueDepth: 0,
    });
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  it('reports every bad security variable in one error', () => {
    const bad = { ADMIN_USER: 'ops', API_KEYS: 'short', CORS_ORIGINS: 'https://x.example.com/path', TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '-1', MAX_QUEUE_DEPTH: 'lots' };
    let error: unknown;
    try {
      loadConfig(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of Object.keys(bad)) expect((error as Error).message).toContain(name);
    // The keys themselves never appear in the message.
    expect((error as Error).message).not.toContain(': short');
  });
});
