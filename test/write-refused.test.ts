// Issue 12 item 1: a long model name still fits, and a write Postgres refuses for good fails the job
// loudly (no parking, no retries for ever) instead of answering 200 over an empty table.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { defaultModelDir } from '@sentiment/model';
import { PERSIST_QUEUE, PREDICTION_QUEUE } from '@sentiment/queue';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from './support/processes.js';
import { freePort, getJson, postJson, startStack, TEST_REDIS_URL, type Stack } from './support/stack.js';

const LONG_NAME = 'acme-sentiment-multi-domain-three-class-for-support-tickets'.padEnd(60, 'x');
let stack: Stack;
let dir: string;
let metricsUrl: string;

beforeAll(async () => {
  expect(LONG_NAME).toHaveLength(60);
  dir = await mkdtemp(path.join(tmpdir(), 'long-model-'));
  await symlink(defaultModelDir, path.join(dir, LONG_NAME), 'dir');
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  stack = await startStack('refused', { workerEnv: { MODEL_DIR: path.join(dir, LONG_NAME), METRICS_PORT: String(metricsPort), CACHE_TTL_S: '0' } });
});
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function sample(name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

it('stores the rows of a model whose folder name is 60 characters long, under a version that fits the column', async () => {
  const res = await postJson(`${stack.url}/predict`, { text: 'the support team fixed it in minutes' });
  expect(res.status, stack.logs()).toBe(200);
  const version: string = res.body.model_version;
  expect(version.length).toBeLessThanOrEqual(50);
  expect(version).toMatch(/^[\w.-]+\+[0-9a-f]{8}$/);
  const rows = await waitFor('the row', async () => {
    const r = await stack.sql<{ model_version: string }>('select model_version from {schema}.prediction where id = ?', [res.body.id]);
    return r.length === 1 ? r : undefined;
  });
  expect(rows[0]!.model_version).toBe(version);
});

it('fails the job at once with the reason when Postgres refuses the rows for good, says so in /ready and /metrics, parks nothing', async () => {
  // A rule the rows break (as a user's own constraint or a too-short column would): Postgres answers 23514.
  await stack.sql('alter table {schema}.prediction add constraint short_versions check (length(model_version) <= 8) not valid');
  const queue = new Queue(PREDICTION_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
  const persist = new Queue(PERSIST_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
  try {
    const res = await postJson(`${stack.url}/predict`, { text: 'the parcel never came and nobody answers' });
    expect(res.status, stack.logs()).toBe(502);
    expect(res.body.error.code).toBe('job_failed');
    expect(res.body.error.message).toMatch(/SQLSTATE 23514/);

    // Failed for good on the first attempt: no retries, nothing parked for a Postgres that is up.
    const job = await queue.getJob(res.body.error.details.job_id);
    expect(job?.attemptsMade).toBe(1);
    expect(await job?.getState()).toBe('failed');
    expect(await persist.getJobCounts('waiting', 'delayed', 'active', 'failed')).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 0 });
    expect(await sample('sentiment_db_rows_rejected_total')).toBe(1);

    const ready = await getJson(`${stack.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.writes).toBe('refused');
    expect(ready.body.problems.join('\n')).toMatch(/23514/);

    // Fixed schema: the next write clears the report.
    await stack.sql('alter table {schema}.prediction drop constraint short_versions');
    expect((await postJson(`${stack.url}/predict`, { text: 'works again, thanks' })).status).toBe(200);
    const after = await waitFor('the report to clear', async () => {
      const r = await getJson(`${stack.url}/ready`);
      return r.body.checks.writes === 'ok' ? r : undefined;
    });
    expect(after.status).toBe(200);
  } finally {
    await Promise.all([queue.close(), persist.close()]);
  }
});
