// fault:redis-outage [--seconds 10] [--via-proxy | --hang] — /predict load while Redis is gone.
// While down: answers are 503 + Retry-After + a JSON error, none hangs past SYNC_TIMEOUT_MS + 1 s,
// no process crashes or logs an unhandled error. Within 5 s of Redis returning, /predict answers
// 200 again with no restarts, and every worker takes jobs again.
// Default mode shuts down a private redis-server made for the run (with AOF; the machine's own is never
// touched); --via-proxy cuts this run's TCP proxy in front of the machine's Redis;
// --hang (npm run fault:redis-hang) freezes that proxy: sockets stay open and nothing answers.
import { setTimeout as delay } from 'node:timers/promises';
import { TEST_REDIS_URL } from '../../test/support/stack.js';
import { parseArgs } from './lib/args.js';
import { percentile, sampleText, startLoad, statusHistogram, type RequestRecord } from './lib/load.js';
import { redisOutage } from './lib/outage.js';
import { alive, startWatchedStack } from './lib/processes.js';
import { openQueues } from './lib/queues.js';
import { pollReady } from './lib/readiness.js';
import { checks, runScript } from './lib/run.js';

const args = parseArgs();
const OUTAGE_S = args.number('seconds', 10);
const CLIENTS = args.number('clients', 8);
const VIA_PROXY = args.has('via-proxy');
const HANG = args.has('hang');
const SYNC_TIMEOUT_MS = 2000;
const HANG_BOUND_MS = SYNC_TIMEOUT_MS + 1000;
const RECOVERY_BOUND_MS = 5000;
const WORKERS = 2;

await runScript('redis-outage', (OUTAGE_S + 300) * 1000, async (ctx) => {
  const outage = await redisOutage(TEST_REDIS_URL, { viaProxy: VIA_PROXY, hang: HANG });
  ctx.onCleanup(() => outage.dispose());
  ctx.log(`mode ${outage.mode}: ${CLIENTS} clients, ${WORKERS} workers, Redis down for ${OUTAGE_S} s`);
  const viaOutage = { REDIS_URL: outage.appUrl };
  const { stack, alarms } = await startWatchedStack(ctx, 'redisout', {
    workers: WORKERS,
    redisUrl: outage.serverUrl,
    apiEnv: { ...viaOutage, SYNC_TIMEOUT_MS: String(SYNC_TIMEOUT_MS), LOG_LEVEL: 'warn' },
    workerEnv: viaOutage,
  });
  ctx.onCleanup(() => outage.restore());
  const processes = [stack.api, ...stack.workers];
  const pids = processes.map((p) => p.child.pid);

  const load = startLoad({
    clients: CLIENTS,
    baseUrl: () => stack.url,
    request: (client, i) => ({ path: '/predict', body: { text: sampleText(`redis c${client}`, i) }, texts: 1 }),
    // Far past the bound, so a hung request shows up as a slow one rather than stalling the run.
    timeoutMs: 15_000,
    pauseAfterErrorMs: 100,
  });
  ctx.onCleanup(() => load.stop());
  const ready = pollReady(stack.url);
  ctx.onCleanup(() => ready.stop());

  await delay(8000);
  const downAt = Date.now();
  await outage.begin();
  ctx.log('Redis is down');
  await delay(OUTAGE_S * 1000);
  await outage.end();
  const upAt = Date.now();
  ctx.log('Redis is back');
  await delay(15_000);
  await load.stop();
  await ready.stop();

  const records = load.records;
  const overlapsOutage = (r: RequestRecord) => r.end >= downAt && r.start < upAt;
  const during = records.filter(overlapsOutage);
  const refusals = during.filter((r) => r.status !== 200);
  const wellFormed = (r: RequestRecord) =>
    r.status === 503 && r.retryAfter !== null && typeof r.body?.error?.code === 'string' && typeof r.body?.error?.message === 'string';
  const badRefusals = refusals.filter((r) => !wellFormed(r));
  const hung = records.filter((r) => (overlapsOutage(r) || r.start >= upAt) && r.end - r.start > HANG_BOUND_MS);
  const firstOkAfter = records.filter((r) => r.status === 200 && r.start >= upAt).sort((a, b) => a.end - b.end)[0];
  const recoveryMs = firstOkAfter ? firstOkAfter.end - upAt : Infinity;
  const afterRecovery = records.filter((r) => r.start >= upAt + RECOVERY_BOUND_MS);
  const failedAfterRecovery = afterRecovery.filter((r) => r.status !== 200);

  // Each worker (same pids as before: nothing restarted) must have finished a job after the outage.
  const queues = openQueues(stack.prefix, stack.redisUrl);
  ctx.onCleanup(() => queues.close());
  const recent = await queues.prediction.getCompleted(0, 2000);
  const workersAfter = new Set(recent.filter((j) => (j.finishedOn ?? 0) > upAt).map((j) => j.processedBy?.split('-').at(-1)));
  const silentWorkers = stack.workers.filter((w) => !workersAfter.has(String(w.child.pid)));

  printTimeline(ctx.log, records, downAt, upAt);
  const readyRedisDown = ready.samples.filter((s) => s.t >= downAt && s.t < upAt && s.checks?.redis === 'down').length;

  const c = checks();
  c.expect(refusals.length > 0, 'no request was refused during the outage (was Redis really cut?)');
  c.expect(badRefusals.length === 0, `${badRefusals.length} answers during the outage were not 503 + Retry-After + JSON error (${statusHistogram(badRefusals)}; e.g. ${JSON.stringify(badRefusals[0]?.body ?? badRefusals[0]?.error)})`);
  c.expect(hung.length === 0, `${hung.length} requests took longer than ${HANG_BOUND_MS} ms (max ${Math.max(0, ...hung.map((r) => r.end - r.start))} ms)`);
  c.expect(recoveryMs <= RECOVERY_BOUND_MS, `first 200 came ${recoveryMs} ms after Redis returned (bound ${RECOVERY_BOUND_MS} ms)`);
  c.expect(afterRecovery.length > 0 && failedAfterRecovery.length === 0, `${failedAfterRecovery.length}/${afterRecovery.length} requests failed from ${RECOVERY_BOUND_MS / 1000} s after recovery (${statusHistogram(failedAfterRecovery)})`);
  c.expect(processes.every(alive) && processes.every((p, i) => p.child.pid === pids[i]), `a process died: ${processes.filter((p) => !alive(p)).map((p) => p.name).join(', ')}`);
  c.expect(silentWorkers.length === 0, `worker(s) ${silentWorkers.map((w) => w.name).join(', ')} completed no job after the outage`);
  c.expect(alarms().length === 0, `alarming output: ${alarms().slice(0, 3).join(' | ')}`);
  return c.verdict(
    `mode ${outage.mode}, outage ${((upAt - downAt) / 1000).toFixed(1)} s: requests ${records.length} (${statusHistogram(records)}), ` +
      `during outage ${during.length} (${statusHistogram(during)}), max latency during outage ${Math.max(0, ...during.map((r) => r.end - r.start))} ms, ` +
      `p99 overall ${percentile(records.map((r) => r.end - r.start), 99)} ms, first 200 after ${recoveryMs} ms, ` +
      `workers completing jobs after ${workersAfter.size}/${WORKERS}, /ready redis=down ${readyRedisDown} polls, processes alive ${processes.filter(alive).length}/${processes.length}`,
  );
});

/** One line per second around the outage: answers by status and the slowest request. */
function printTimeline(log: (m: string) => void, records: RequestRecord[], downAt: number, upAt: number): void {
  const from = downAt - 3000;
  const to = upAt + 8000;
  for (let t = from; t < to; t += 1000) {
    const bucket = records.filter((r) => r.start >= t && r.start < t + 1000);
    const phase = t + 1000 <= downAt ? 'up  ' : t >= upAt ? 'back' : 'DOWN';
    const max = Math.max(0, ...bucket.map((r) => r.end - r.start));
    log(`timeline ${((t - downAt) / 1000).toFixed(0).padStart(3)} s ${phase} started ${String(bucket.length).padStart(4)}: ${statusHistogram(bucket)}; slowest ${max} ms`);
  }
}
