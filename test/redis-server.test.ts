// The API on a Redis it cannot fully trust (private servers): one that keeps nothing across a restart
// says so, loudly and in /ready; one that is out of memory gets 503 + Retry-After, not a 500.
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { startApp, waitFor, type AppProcess } from './support/processes.js';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis.js';
import { freePort, getJson, postJson, TEST_DATABASE_URL } from './support/stack.js';

const started: Array<{ stop(): Promise<void> }> = [];
afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
});

async function apiOn(redis: PrivateRedis): Promise<{ url: string; api: AppProcess }> {
  const port = await freePort();
  const api = startApp(`api-${port}`, 'apps/api/src/main.ts', { REDIS_URL: redis.url, DATABASE_URL: TEST_DATABASE_URL, PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '1000' });
  started.push(api);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`api on ${url}\n${api.output()}`, async () => (await fetch(`${url}/health`).catch(() => undefined))?.ok);
  return { url, api };
}

it('warns at start and names the risk in /ready when Redis runs without persistence', async () => {
  const redis = await startPrivateRedis(['--appendonly', 'no']);
  started.push(redis);
  const { url, api } = await apiOn(redis);
  const ready = await waitFor('readiness with Redis up', async () => {
    const r = await getJson(`${url}/ready`);
    return r.body.checks?.redis === 'ok' ? r : undefined;
  });
  expect(ready.body.checks.persistence).toBe('none');
  expect(ready.body.problems.join('\n')).toMatch(/persistence is off.*restart loses queued jobs/);
  await waitFor('the warning', async () => /Redis runs without persistence/.test(api.output()));
});

it('is quiet about persistence when Redis keeps an append-only file', async () => {
  const redis = await startPrivateRedis(['--appendonly', 'yes']);
  started.push(redis);
  const { url, api } = await apiOn(redis);
  const ready = await waitFor('readiness with Redis up', async () => {
    const r = await getJson(`${url}/ready`);
    return r.body.checks?.redis === 'ok' ? r : undefined;
  });
  expect(ready.body.checks.persistence).toBe('aof');
  expect(ready.body.problems.join('\n')).not.toMatch(/persistence/);
  expect(api.output()).not.toMatch(/without persistence|snapshots only/);
});

it('answers 503 queue_full with Retry-After, and logs why, when Redis has reached maxmemory', async () => {
  const redis = await startPrivateRedis(['--maxmemory-policy', 'noeviction']);
  started.push(redis);
  const { url, api } = await apiOn(redis);
  await waitFor('readiness with Redis up', async () => (await getJson(`${url}/ready`)).body.checks?.redis === 'ok');
  const filler = new Redis(redis.url);
  try {
    // Full: what it holds is over maxmemory, as after a backlog grew.
    // Built inside Redis: a 1 MB argument would sit in the query buffer and inflate used_memory for a moment.
    await filler.eval("return redis.call('SET', KEYS[1], string.rep('x', 1000000))", 1, 'filler');
    const used = Number(/^used_memory:(\d+)/m.exec(await filler.info('memory'))![1]);
    await filler.config('SET', 'maxmemory', String(used - 256 * 1024));
  } finally {
    filler.disconnect();
  }
  const res = await postJson(`${url}/jobs`, { texts: ['no room for this'] });
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('queue_full');
  expect(res.body.error.message).toMatch(/out of memory/);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  await waitFor('the error log', async () => /Redis is out of memory/.test(api.output()));
});
