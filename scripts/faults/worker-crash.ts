// fault:worker-crash — 50,000 texts in many /jobs jobs across three workers; a worker is SIGKILLed
// at seeded random moments (a replacement starts each time). Nothing may be lost or written twice.
import { setTimeout as delay } from 'node:timers/promises';
import { getJson, postJson } from '../../test/support/stack.js';
import { waitFor, type AppProcess } from '../../test/support/processes.js';
import { parseArgs } from './lib/args.js';
import { sampleTexts } from './lib/load.js';
import { alive, startWatchedStack } from './lib/processes.js';
import { openQueues } from './lib/queues.js';
import { seededRandom } from './lib/rng.js';
import { checks, runScript } from './lib/run.js';

const args = parseArgs();
const JOBS = args.number('jobs', 100);
const TEXTS = args.number('texts', 500);
const KILLS = args.number('kills', 5);
const SEED = args.number('seed', 20261127);
const WORKERS = 3;
const SUBMIT_S = args.number('submit-seconds', 25);
// Request logs would cost more CPU than the work; `worker started` is info, so workers keep info.
const workerLogs = { LOG_LEVEL: 'info' };
// A dead worker's jobs are taken over within seconds instead of the 30 s default.
const fastRecovery = { LOCK_DURATION_MS: '4000', STALLED_INTERVAL_MS: '2000' };

await runScript('worker-crash', 10 * 60_000, async (ctx) => {
  const rng = seededRandom(SEED);
  ctx.log(`seed ${SEED}: ${JOBS} jobs × ${TEXTS} texts, ${WORKERS} workers, ${KILLS} SIGKILLs`);
  const { stack, watch, alarms } = await startWatchedStack(ctx, 'crash', { workers: WORKERS, workerEnv: { ...fastRecovery, ...workerLogs }, apiEnv: { LOG_LEVEL: 'warn' } });
  const queues = openQueues(stack.prefix);
  ctx.onCleanup(() => queues.close());

  // Jobs arrive over ~SUBMIT_S seconds rather than at once, so there is work in flight for every kill
  // (all 50,000 texts queued at once are done in a few seconds on this machine).
  const jobIds: string[] = [];
  const submitted = (async () => {
    for (let i = 0; i < JOBS; i++) {
      const { status, body } = await postJson(`${stack.url}/jobs`, { texts: sampleTexts(`job ${i}`, TEXTS) });
      if (status !== 202) throw new Error(`POST /jobs answered ${status}: ${JSON.stringify(body)}`);
      jobIds.push(body.job_id);
      await delay((SUBMIT_S * 1000) / JOBS);
    }
    ctx.log(`${jobIds.length} jobs accepted`);
  })();
  let submitting = true;
  void submitted.finally(() => (submitting = false)).catch(() => {});

  const finishedCount = async () => {
    const c = await queues.counts(queues.prediction);
    return { done: c.completed + c.failed, failed: c.failed };
  };
  // Kill only processes that are taking jobs, and only while there is work left to lose.
  const started = (w: AppProcess) => alive(w) && w.output().includes('worker started');
  const kills: string[] = [];
  while (kills.length < KILLS) {
    await delay(rng.between(1000, 3000));
    const { done } = await finishedCount();
    if (!submitting && done >= JOBS) break;
    const candidates = stack.workers.filter(started);
    if (candidates.length === 0) continue;
    const victim = rng.pick(candidates);
    const active = (await queues.prediction.getActive()).filter((j) => j.processedBy?.endsWith(`-${victim.child.pid}`)).length;
    await victim.kill('SIGKILL');
    kills.push(`${victim.name} pid ${victim.child.pid} holding ${active} active jobs at ${done}/${JOBS} done`);
    ctx.log(`SIGKILL ${kills.at(-1)}`);
    watch(stack.startWorker({ ...fastRecovery, ...workerLogs }));
  }
  await submitted;

  await waitFor('every job to finish', async () => (await finishedCount()).done >= JOBS, { timeoutMs: 5 * 60_000, intervalMs: 500 });
  ctx.log('every job finished; checking rows');

  const c = checks();
  c.expect(kills.length >= KILLS, `only ${kills.length} of ${KILLS} kills happened before the work ran out (raise --jobs)`);
  let completed = 0;
  let idsReturned = 0;
  let idsStored = 0;
  const failures: string[] = [];
  for (const id of jobIds) {
    const { body } = await getJson(`${stack.url}/jobs/${id}`);
    if (body.status !== 'completed') {
      failures.push(`${id}: ${body.status} ${JSON.stringify(body.error ?? null)}`);
      continue;
    }
    completed++;
    const ids: string[] = body.result.predictions.map((p: { id: string }) => p.id);
    idsReturned += ids.length;
    const [row] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.predictions where id in (?)', [ids]);
    idsStored += Number(row!.n);
  }
  const expected = JOBS * TEXTS;
  const [totals] = await stack.sql<{ n: string; distinct_items: string; complete_items: string }>(
    `select count(*) as n, count(distinct (job_id, item_index)) as distinct_items,
            count(distinct (job_id, item_index)) filter (where job_id in (?) and item_index between 0 and ?) as complete_items
       from {schema}.predictions`,
    [jobIds, TEXTS - 1],
  );
  const rows = Number(totals!.n);
  const duplicates = rows - Number(totals!.distinct_items);
  const missing = expected - Number(totals!.complete_items);
  // Why jobs failed, straight from BullMQ (attempts used, stall count), grouped by reason.
  const failedJobs = await queues.prediction.getFailed(0, JOBS);
  const reasons = new Map<string, number>();
  for (const j of failedJobs) {
    const key = `${j.failedReason} (attemptsMade ${j.attemptsMade}, stalledCounter ${(j as { stalledCounter?: number }).stalledCounter ?? '?'})`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  for (const [reason, n] of reasons) ctx.log(`failed ×${n}: ${reason}`);
  const deadProcesses = stack.workers.filter((w) => !alive(w)).length;

  c.expect(completed === JOBS, `${JOBS - completed} jobs not completed (${failures.slice(0, 3).join(' | ')})`);
  c.expect(rows === expected, `count(*) = ${rows}, expected ${expected}`);
  c.expect(duplicates === 0, `${duplicates} duplicate (job_id, item_index)`);
  c.expect(missing === 0, `${missing} (job_id, item_index) missing`);
  c.expect(idsReturned === expected && idsStored === idsReturned, `${idsReturned} ids returned by the API, ${idsStored} of them in the table`);
  const unexpectedAlarms = alarms();
  c.expect(unexpectedAlarms.length === 0, `alarming output: ${unexpectedAlarms.slice(0, 3).join(' | ')}`);
  ctx.log(`kills: ${kills.join('; ')}`);
  return c.verdict(
    `jobs completed ${completed}/${JOBS}, rows ${rows}/${expected}, duplicates ${duplicates}, missing ${missing}, ` +
      `ids returned ${idsReturned}, ids stored ${idsStored}, kills ${kills.length} (${deadProcesses} workers killed, ${stack.workers.length - deadProcesses} alive)`,
  );
});
