// What the worker stores, and what it refuses to: a long model name still fits the column; a write
// Postgres refuses for good fails the job loudly (no parking, no retries for ever) instead of answering
// 200 over an empty table; with STORE_INPUT_TEXT=false no input text outlives its job's answer, in
// Postgres or in the job hashes Bull Board shows.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { defaultModelDir } from '@sentiment/model';
import { PERSIST_QUEUE } from '@sentiment/queue';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from './support/processes.js';
import { freePort, getJson, postJson, type Stack, startStack, TEST_REDIS_URL } from './support/stack.js';

/** The texts BullMQ keeps in the job's hash (`data`), read straight from Redis. */
async function textsInRedis(queue: Queue, jobId: string): Promise<string[]> {
  const client = new Redis(TEST_REDIS_URL);
  try {
    const data = await client.hget(queue.toKey(jobId), 'data');
    return (JSON.parse(data ?? '{}') as { texts?: string[] }).texts ?? [];
  } finally {
    client.disconnect();
  }
}

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
  // INTERACTIVE_THREADS=0: one inference lane and ONE writer thread for /predict and /jobs rows alike (the
  // other files run the default: interactive rows in a writer thread of their own).
  stack = await startStack('refused', {
    workerEnv: { MODEL_DIR: path.join(dir, LONG_NAME), METRICS_PORT: String(metricsPort), CACHE_TTL_S: '0', STORE_INPUT_TEXT: 'false', INTERACTIVE_THREADS: '0' },
  });
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
    const r = await stack.sql<{ model_version: string }>('select model_version from {schema}.predictions where id = ?', [res.body.id]);
    return r.length === 1 ? r : undefined;
  });
  expect(rows[0]!.model_version).toBe(version);
});

it('with STORE_INPUT_TEXT=false keeps no input text once answered: NULL in Postgres, blanked in the job hash, count kept', async () => {
  const queue = new Queue(stack.defaultQueue, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
  try {
    const res = await postJson(`${stack.url}/jobs`, { texts: ['my card number is in this ticket', 'and my home address'] });
    expect(res.status, stack.logs()).toBe(202);
    const done = await waitFor('the job', async () => {
      const r = await getJson(`${stack.url}/jobs/${res.body.job_id}`);
      return r.body.status === 'completed' ? r : undefined;
    });
    expect(done.body.progress).toEqual({ done: 2, total: 2 });
    expect(await textsInRedis(queue, res.body.job_id)).toEqual(['', '']);
    const rows = await stack.sql<{ input_text: string | null }>('select input_text from {schema}.predictions where job_id = ?', [res.body.job_id]);
    expect(rows.map((r) => r.input_text)).toEqual([null, null]);
  } finally {
    await queue.close();
  }
});

it('fails the job at once with the reason when Postgres refuses the rows for good, says so in /ready and /metrics, parks nothing', async () => {
  // A rule the rows break (as a user's own constraint or a too-short column would): Postgres answers 23514.
  await stack.sql('alter table {schema}.predictions add constraint short_versions check (length(model_version) <= 8) not valid');
  const queue = new Queue(stack.defaultQueue, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
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
    // Failed for good is answered too: its text is gone from Redis as well.
    await waitFor('the failed job blanked', async () => (await textsInRedis(queue, job!.id!)).every((t) => t === ''));
    expect(await persist.getJobCounts('waiting', 'delayed', 'active', 'failed')).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 0 });
    expect(await sample('sentiment_db_rows_rejected_total')).toBe(1);

    const ready = await getJson(`${stack.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.writes).toBe('refused');
    expect(ready.body.problems.join('\n')).toMatch(/23514/);

    // Fixed schema: the next write clears the report.
    await stack.sql('alter table {schema}.predictions drop constraint short_versions');
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
