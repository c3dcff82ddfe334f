// fault:graceful-shutdown — under /predict + /jobs load, SIGTERM a worker, then the API.
// In-flight HTTP requests are answered (200/202); the worker's active jobs finish (or go back to the
// queue and finish elsewhere); rows = texts accepted; each process exits 0 within its SHUTDOWN_TIMEOUT_MS.
import { setTimeout as delay } from 'node:timers/promises';
import { getJson, postJson } from '../../test/support/stack.js';
import { waitFor } from '../../test/support/processes.js';
import { sampleText, sampleTexts, startLoad, statusHistogram, type RequestRecord } from './lib/load.js';
import { alive, startWatchedStack } from './lib/processes.js';
import { openQueues } from './lib/queues.js';
import { checks, runScript } from './lib/run.js';

const API_SHUTDOWN_MS = 5000;
const WORKER_SHUTDOWN_MS = 15_000;
const MARGIN_MS = 3000;
const fastRecovery = { LOCK_DURATION_MS: '4000', STALLED_INTERVAL_MS: '2000' };

await runScript('graceful-shutdown', 8 * 60_000, async (ctx) => {
  const { stack, watch, alarms } = await startWatchedStack(ctx, 'shutdown', {
    workers: 2,
    apiEnv: { SHUTDOWN_TIMEOUT_MS: String(API_SHUTDOWN_MS), LOG_LEVEL: 'warn' },
    workerEnv: { ...fastRecovery, SHUTDOWN_TIMEOUT_MS: String(WORKER_SHUTDOWN_MS) },
  });
  // The API that takes over when the first is stopped, as a load balancer would switch.
  const standby = await stack.startApi();
  watch(standby.process);
  let current = stack.url;
  const queues = openQueues(stack.prefix);
  ctx.onCleanup(() => queues.close());

  const predict = startLoad({
    clients: 6,
    baseUrl: () => current,
    request: (client, i) => ({ path: '/predict', body: { text: sampleText(`gs c${client}`, i) }, texts: 1 }),
  });
  const bulk = startLoad({
    clients: 1,
    baseUrl: () => current,
    request: (_client, i) => ({ path: '/jobs', body: { texts: sampleTexts(`gs job ${i}`, 2000) }, texts: 2000 }),
    pauseMs: 700,
  });
  ctx.onCleanup(() => Promise.all([predict.stop(), bulk.stop()]));
  await delay(8000);

  // 1. A worker, while it holds jobs.
  const worker = stack.workers[0]!;
  const pidSuffix = `-${worker.child.pid}`;
  const held = await waitFor(
    `${worker.name} to hold active jobs`,
    async () => {
      const mine = (await queues.prediction.getActive()).filter((j) => j.processedBy?.endsWith(pidSuffix));
      return mine.length > 0 ? mine.map((j) => j.id!) : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  const workerTermAt = Date.now();
  worker.child.kill('SIGTERM');
  const workerCode = await worker.exited;
  const workerExitMs = Date.now() - workerTermAt;
  ctx.log(`${worker.name} exited ${workerCode} after ${workerExitMs} ms; it held ${held.length} active jobs`);
  watch(stack.startWorker({ ...fastRecovery, SHUTDOWN_TIMEOUT_MS: String(WORKER_SHUTDOWN_MS) }));
  await delay(5000);

  // 2. The API, with requests surely in flight: big /batch calls sent just before the signal.
  const api = stack.api;
  const inflight = Array.from({ length: 10 }, (_, i) =>
    postJson(`${stack.url}/batch`, { texts: sampleTexts(`gs inflight ${i}`, 100) }).then(
      (r) => ({ status: r.status, body: r.body, error: undefined as string | undefined }),
      (err: Error) => ({ status: 0, body: undefined, error: String(err) }),
    ),
  );
  await delay(20);
  current = standby.url;
  const apiTermAt = Date.now();
  api.child.kill('SIGTERM');
  const apiCode = await api.exited;
  const apiExitMs = Date.now() - apiTermAt;
  const inflightAnswers = await Promise.all(inflight);
  ctx.log(`api exited ${apiCode} after ${apiExitMs} ms; in-flight /batch answers: ${inflightAnswers.map((a) => a.status || a.error).join(',')}`);
  await delay(5000);
  await Promise.all([predict.stop(), bulk.stop()]);

  const records: RequestRecord[] = [...predict.records, ...bulk.records];
  const toFirstApi = records.filter((r) => r.url === stack.url);
  const inflightAtTerm = toFirstApi.filter((r) => r.start <= apiTermAt && r.end >= apiTermAt);
  const accepted = [
    ...records.filter((r) => r.status === 200 || r.status === 202),
    ...inflightAnswers.filter((a) => a.status === 200 || a.status === 202).map((a) => ({ status: a.status, body: a.body, texts: 100 })),
  ];
  const textsAccepted = accepted.reduce((n, r) => n + r.texts, 0);

  // Every 202 must end completed (read through the standby API).
  const pending = accepted.filter((r) => r.status === 202).map((r) => r.body.job_id as string);
  const notCompleted: string[] = [];
  for (const id of pending) {
    const body = await waitFor(`job ${id} to finish`, async () => {
      const { body } = await getJson(`${standby.url}/jobs/${id}`);
      return body.status === 'completed' || body.status === 'failed' ? body : undefined;
    }, { timeoutMs: 180_000, intervalMs: 250 });
    if (body.status !== 'completed') notCompleted.push(`${id}: ${body.status} ${JSON.stringify(body.error)}`);
  }
  const heldFinishedBy = await Promise.all(held.map(async (id) => (await queues.prediction.getJob(id))?.processedBy?.endsWith(pidSuffix) ? 'same' : 'other'));
  const [totals] = await stack.sql<{ n: string; distinct_items: string }>(
    'select count(*) as n, count(distinct (job_id, item_index)) as distinct_items from {schema}.predictions',
  );
  const rows = Number(totals!.n);
  const duplicates = rows - Number(totals!.distinct_items);

  const c = checks();
  const unanswered = toFirstApi.filter((r) => r.status !== 200 && r.status !== 202);
  c.expect(unanswered.length === 0, `${unanswered.length} requests to the stopped API not answered 200/202 (${statusHistogram(unanswered)})`);
  c.expect(inflightAnswers.every((a) => a.status === 200 || a.status === 202), `in-flight /batch answers: ${inflightAnswers.map((a) => a.status || a.error).join(',')}`);
  const otherFailures = records.filter((r) => r.url !== stack.url && r.status !== 200 && r.status !== 202);
  c.expect(otherFailures.length === 0, `${otherFailures.length} requests to the standby API failed (${statusHistogram(otherFailures)})`);
  c.expect(notCompleted.length === 0, `${notCompleted.length} accepted jobs did not complete: ${notCompleted.slice(0, 3).join(' | ')}`);
  c.expect(rows === textsAccepted, `rows ${rows} ≠ texts accepted ${textsAccepted}`);
  c.expect(duplicates === 0, `${duplicates} duplicate (job_id, item_index)`);
  c.expect(workerCode === 0 && workerExitMs <= WORKER_SHUTDOWN_MS + MARGIN_MS, `worker exited ${workerCode} after ${workerExitMs} ms (bound ${WORKER_SHUTDOWN_MS} + ${MARGIN_MS} ms)`);
  c.expect(apiCode === 0 && apiExitMs <= API_SHUTDOWN_MS + MARGIN_MS, `api exited ${apiCode} after ${apiExitMs} ms (bound ${API_SHUTDOWN_MS} + ${MARGIN_MS} ms)`);
  c.expect([standby.process, ...stack.workers.slice(1)].every(alive), 'a process that was not signalled died');
  c.expect(alarms().length === 0, `alarming output: ${alarms().slice(0, 3).join(' | ')}`);
  return c.verdict(
    `requests ${records.length + inflight.length} (${statusHistogram(records)}; in-flight /batch ${inflightAnswers.map((a) => a.status || a.error).join(',')}), ` +
      `in flight at API SIGTERM ${inflightAtTerm.length + inflight.length}, texts accepted ${textsAccepted}, rows ${rows}, duplicates ${duplicates}, ` +
      `jobs 202 ${pending.length} all completed ${notCompleted.length === 0}; worker exit ${workerCode} in ${workerExitMs} ms ` +
      `(held ${held.length} jobs, finished by it ${heldFinishedBy.filter((x) => x === 'same').length}, elsewhere ${heldFinishedBy.filter((x) => x === 'other').length}); ` +
      `api exit ${apiCode} in ${apiExitMs} ms`,
  );
});
