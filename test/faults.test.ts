// Scaling out and surviving faults: two workers share the queue, a killed worker loses nothing,
// and predictions keep flowing while Postgres is unreachable.
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, postJson, type Stack, startStack, TEST_DATABASE_URL, TEST_REDIS_URL } from './support/stack.js';
import { waitFor } from './support/processes.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

// Short lock and stall checks so a dead worker's job is taken over within seconds, not the 30 s default.
const fastRecovery = { LOCK_DURATION_MS: '4000', STALLED_INTERVAL_MS: '2000' };

let stack: Stack | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await stack?.stop();
  await proxy?.close();
  stack = proxy = undefined;
});

const texts = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}: the plot was ${i % 2 ? 'gripping' : 'silly'}`);

async function finished(s: Stack, statusUrl: string) {
  return waitFor(`${statusUrl} to finish`, async () => {
    const { body } = await getJson(`${s.url}${statusUrl}`);
    return body.status === 'completed' || body.status === 'failed' ? body : undefined;
  }, { timeoutMs: 120_000, intervalMs: 100 });
}

describe('horizontal scaling', () => {
  it('two worker processes both take jobs from the same queue', async () => {
    stack = await startStack('scale', { workers: 2, workerEnv: { WORKER_CONCURRENCY: '4' } });
    const jobs = await Promise.all(
      Array.from({ length: 24 }, (_, i) => postJson(`${stack!.url}/jobs`, { texts: texts(300, `job${i}`) })),
    );
    const queue = new Queue(stack.defaultQueue, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
    try {
      const workersSeen = new Set<string>();
      for (const { body } of jobs) {
        expect((await finished(stack, body.status_url)).status).toBe('completed');
        const job = await queue.getJob(body.job_id);
        workersSeen.add(job!.processedBy!);
      }
      expect(workersSeen.size, stack.logs()).toBe(2);
    } finally {
      await queue.close();
    }
  });
});

describe('worker crash', () => {
  it('a job whose worker is SIGKILLed mid-way completes on another worker, each row exactly once', async () => {
    stack = await startStack('crash', { workerEnv: { ...fastRecovery, CHUNK_SIZE: '50', MAX_BATCH_SIZE: '16' } });
    const total = 10_000;
    const { body } = await postJson(`${stack.url}/jobs`, { texts: texts(total, 'crash') });
    await waitFor('the job to be part-done', async () => {
      const { body: s } = await getJson(`${stack!.url}${body.status_url}`);
      return s.status === 'active' && s.progress.done > 0 && s.progress.done < total;
    }, { intervalMs: 20 });
    await stack.workers[0]!.kill('SIGKILL');
    stack.startWorker(fastRecovery);

    const done = await finished(stack, body.status_url);
    expect(done.status, stack.logs()).toBe('completed');
    expect(done.result.predictions).toHaveLength(total);
    const [row] = await stack.sql<{ n: string; items: string }>(
      'select count(*) as n, count(distinct item_index) as items from {schema}.predictions where job_id = ?',
      [body.job_id],
    );
    expect(Number(row!.n)).toBe(total);
    expect(Number(row!.items)).toBe(total);
    // The ids the caller got are the ids stored.
    const [match] = await stack.sql<{ n: string }>(
      'select count(*) as n from {schema}.predictions where id in (?)',
      [done.result.predictions.map((p: { id: string }) => p.id)],
    );
    expect(Number(match!.n)).toBe(total);
  });
});

describe('Postgres outage', () => {
  it('keeps answering /predict while Postgres is unreachable and writes the rows once it is back', async () => {
    const pg = new URL(TEST_DATABASE_URL);
    proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    const viaProxy = new URL(TEST_DATABASE_URL);
    viaProxy.port = String(proxy.port);
    stack = await startStack('pgdown', { workerEnv: { DATABASE_URL: viaProxy.toString() } });

    await proxy.cut();
    const answers = [];
    for (let i = 0; i < 5; i++) {
      const res = await postJson(`${stack.url}/predict`, { text: `during the outage ${i}: lovely` });
      expect(res.status, stack.logs()).toBe(200);
      answers.push(res.body);
    }
    const ids = answers.map((a) => a.id);
    const stored = async () =>
      Number((await stack!.sql<{ n: string }>('select count(*) as n from {schema}.predictions where id in (?)', [ids]))[0]!.n);
    expect(await stored()).toBe(0);

    await proxy.restore();
    await waitFor('the outage rows to be written', async () => (await stored()) === 5, { timeoutMs: 90_000, intervalMs: 500 });
    const [dups] = await stack.sql<{ n: string }>(
      'select count(*) - count(distinct (job_id, item_index)) as n from {schema}.predictions',
    );
    expect(Number(dups!.n)).toBe(0);
  });
});
