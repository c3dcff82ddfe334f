// `npm start` is how a newcomer runs the service: a crashed app is restarted, not a reason to stop.
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { initOrm } from '@sentiment/db';
import { startProcess, waitFor, type AppProcess } from './support/processes.js';
import { deleteKeys, freePort, getJson, TEST_DATABASE_URL, TEST_REDIS_URL } from './support/stack.js';

const id = randomBytes(4).toString('hex');
const schema = `e2e_start_${id}`;
const prefix = `e2e-start-${id}`;
let runner: AppProcess | undefined;

afterAll(async () => {
  await runner?.stop(20_000);
  await deleteKeys(`${prefix}:*`);
  const orm = await initOrm({ clientUrl: TEST_DATABASE_URL });
  await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
  await orm.close();
});

const pidOf = (output: string, app: string) =>
  [...output.matchAll(/^\{.*\}$/gm)].map((m) => JSON.parse(m[0]) as { app?: string; pid?: number; msg?: string }).filter((l) => l.app === app && l.msg === `${app} started`).map((l) => l.pid!);

it('restarts a worker that crashed, and the API serves again without anyone stepping in', async () => {
  const port = await freePort();
  runner = startProcess('npm-start', process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    LOG_PRETTY: '0',
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: TEST_REDIS_URL,
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    INFERENCE_THREADS: '1',
    METRICS_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '0',
  });
  const url = `http://127.0.0.1:${port}`;
  const ready = () =>
    waitFor(`ready\n${runner!.output().slice(-3000)}`, async () => (await getJson(`${url}/ready`).catch(() => undefined))?.body.checks?.workers === 1, {
      timeoutMs: 120_000,
      intervalMs: 250,
    });
  await ready();
  // Both shipped models, out of the box: v2 answers by default, v1 when named.
  await waitFor('both models served', async () => (await getJson(`${url}/models`)).body.models.every((m: { versions: unknown[] }) => m.versions.length === 1));
  const pinned = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'an old favourite', model: 'previous' }) });
  expect(((await pinned.json()) as { model_version: string }).model_version).toMatch(/^sentiment-sst2-v1\+/);
  const [first] = pidOf(runner.output(), 'worker');
  expect(first).toBeGreaterThan(0);

  process.kill(first!, 'SIGKILL');
  await waitFor('the restart', async () => pidOf(runner!.output(), 'worker').length === 2, { timeoutMs: 30_000 });
  expect(runner.output()).toMatch(/worker exited unexpectedly; restarting it/);
  await ready();
  const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'back on its feet' }) });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { model_version: string }).model_version).toMatch(/^sentiment-multi-v2\+/);
  expect(runner.child.exitCode).toBeNull(); // the runner and the API kept running throughout
}, 240_000);
