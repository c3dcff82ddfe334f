// Issue 12 item 7: an API on a Redis that keeps nothing across a restart says so, loudly and in /ready.
import { afterAll, expect, it } from 'vitest';
import { startApp, waitFor, type AppProcess } from './support/processes.js';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis.js';
import { freePort, getJson, TEST_DATABASE_URL } from './support/stack.js';

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
