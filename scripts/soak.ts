// soak -- --minutes N [--rps R] [--warmup-minutes 2]: drives half the measured capacity (or --rps)
// as a mix of /predict and small /jobs for N minutes, printing every minute the processes' RSS,
// Redis memory, queue depths and request counts. RSS is sampled every 5 s and averaged per minute, so
// garbage-collection sawtooth is not mistaken for drift. Verdict: every post-warm-up minute's mean RSS
// within ±10% of their median (a leak shows as a trend away from it), the run's
// Redis footprint bounded (results and cache entries expire after RESULT_TTL_S), no `Warning:` lines, no failed
// request, and every accepted text stored.
import { setTimeout as delay } from 'node:timers/promises';
import { waitFor } from '../test/support/processes.js';
import { parseArgs } from './faults/lib/args.js';
import { percentile, sampleText, sampleTexts, startLoad, statusHistogram, type RequestRecord } from './faults/lib/load.js';
import { alive, rssMiB, startWatchedStack } from './faults/lib/processes.js';
import { openQueues } from './faults/lib/queues.js';
import { redisMemory } from './faults/lib/redis-memory.js';
import { checks, runScript } from './faults/lib/run.js';

const args = parseArgs();
const MINUTES = args.number('minutes', 30);
const WARMUP_MINUTES = args.number('warmup-minutes', 2);
const FIXED_RPS = args.number('rps', 0);
const RESULT_TTL_S = 60;
const JOB_SHARE = 0.05; // one request in 20 is a small /jobs
const JOB_TEXTS = 20;
const MAX_INFLIGHT = 512;
const RSS_TOLERANCE = 0.1;
const MiB = 1024 * 1024;

interface Sample {
  minute: number;
  apiRss: number;
  workerRss: number;
  usedMemory: number;
  prefixKeys: number;
  prefixBytes: number;
  counts: string;
  requests: string;
}

await runScript('soak', (MINUTES + 10) * 60_000, async (ctx) => {
  // Every soak text is new, so each leaves a result-cache entry: the cache's TTL bounds Redis like the results' does.
  const retention = { RESULT_TTL_S: String(RESULT_TTL_S), CACHE_TTL_S: String(RESULT_TTL_S), LOG_LEVEL: 'warn' };
  const { stack, alarms } = await startWatchedStack(ctx, 'soak', {
    workers: 1,
    apiEnv: retention,
    workerEnv: { ...retention, INFERENCE_THREADS: '2' },
  });
  const queues = openQueues(stack.prefix);
  const memory = redisMemory(stack.prefix);
  ctx.onCleanup(() => queues.close());
  ctx.onCleanup(() => memory.close());
  const worker = stack.workers[0]!;

  let rps = FIXED_RPS;
  if (!rps) {
    const probe = startLoad({
      clients: 16,
      baseUrl: () => stack.url,
      request: (client, i) => ({ path: '/predict', body: { text: sampleText(`cap c${client}`, i) }, texts: 1 }),
    });
    await delay(15_000);
    await probe.stop();
    const ok = probe.records.filter((r) => r.status === 200).length;
    const capacity = ok / 15;
    rps = Math.max(1, Math.round(capacity / 2));
    ctx.log(`capacity ${capacity.toFixed(0)} /predict per s at concurrency 16 (${statusHistogram(probe.records)}); driving ${rps} req/s`);
  }
  // The probe's rows count as accepted texts too: read them once its jobs are all done.
  await waitFor('the probe jobs', async () => {
    const c = await queues.counts(queues.prediction);
    return c.active + c.waiting + c.prioritized === 0;
  }, { timeoutMs: 60_000 });
  const [probeRows] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.predictions');

  // Open loop: requests are sent on schedule whatever the answers do; a backlog past MAX_INFLIGHT
  // is counted as failed rather than queued in this process.
  const records: RequestRecord[] = [];
  let inflight = 0;
  let skipped = 0;
  let sent = 0;
  const sendOne = async (i: number) => {
    const isJob = (i * 7919) % 1000 < JOB_SHARE * 1000;
    const path = isJob ? '/jobs' : '/predict';
    const body = isJob ? { texts: sampleTexts(`soak job ${i}`, JOB_TEXTS) } : { text: sampleText('soak', i) };
    const start = Date.now();
    inflight++;
    try {
      const res = await fetch(`${stack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const json = (await res.json().catch(() => undefined)) as unknown;
      records.push({ client: 0, url: stack.url, path, texts: isJob ? JOB_TEXTS : 1, start, end: Date.now(), status: res.status, retryAfter: null, body: json });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      records.push({ client: 0, url: stack.url, path, texts: 0, start, end: Date.now(), status: 0, retryAfter: null, body: undefined, error: code });
    } finally {
      inflight--;
    }
  };

  const startedAt = Date.now();
  const endAt = startedAt + MINUTES * 60_000;
  const driver = (async () => {
    while (Date.now() < endAt) {
      const due = Math.floor(((Date.now() - startedAt) / 1000) * rps);
      while (sent < due) {
        if (inflight >= MAX_INFLIGHT) skipped++;
        else void sendOne(sent);
        sent++;
      }
      await delay(20);
    }
  })();

  // RSS every 5 s; each minute reports the mean of its samples (a single reading lands anywhere on the GC sawtooth).
  const rssTicks: Array<{ api: number; worker: number }> = [];
  const ticker = setInterval(() => rssTicks.push({ api: rssMiB(stack.api.child.pid), worker: rssMiB(worker.child.pid) }), 5000);
  const meanOf = (ticks: typeof rssTicks, key: 'api' | 'worker') => ticks.reduce((sum, t) => sum + t[key], 0) / ticks.length;

  const samples: Sample[] = [];
  let seen = 0;
  for (let minute = 1; minute <= MINUTES; minute++) {
    await delay(Math.max(0, startedAt + minute * 60_000 - Date.now()));
    const window = records.slice(seen);
    seen = records.length;
    const c = await queues.counts(queues.prediction);
    const p = await queues.counts(queues.persist);
    const { keys, bytes } = await memory.prefixMemory();
    const latencies = window.map((r) => r.end - r.start);
    const ticks = rssTicks.splice(0);
    if (ticks.length === 0) ticks.push({ api: rssMiB(stack.api.child.pid), worker: rssMiB(worker.child.pid) });
    const sample: Sample = {
      minute,
      apiRss: meanOf(ticks, 'api'),
      workerRss: meanOf(ticks, 'worker'),
      usedMemory: await memory.usedMemory(),
      prefixKeys: keys,
      prefixBytes: bytes,
      counts: `waiting ${c.waiting + c.prioritized} active ${c.active} completed ${c.completed} failed ${c.failed} delayed ${c.delayed} | persist waiting ${p.waiting + p.delayed}`,
      requests: `ok ${window.filter((r) => r.status === 200 || r.status === 202).length} failed ${window.filter((r) => r.status !== 200 && r.status !== 202).length} skipped(total) ${skipped} p50 ${percentile(latencies, 50)} ms p99 ${percentile(latencies, 99)} ms`,
    };
    samples.push(sample);
    ctx.log(
      `minute ${minute}: RSS (mean of ${ticks.length} samples) api ${sample.apiRss.toFixed(1)} MiB ` +
        `[${Math.min(...ticks.map((t) => t.api)).toFixed(0)}–${Math.max(...ticks.map((t) => t.api)).toFixed(0)}], ` +
        `worker ${sample.workerRss.toFixed(1)} MiB [${Math.min(...ticks.map((t) => t.worker)).toFixed(0)}–${Math.max(...ticks.map((t) => t.worker)).toFixed(0)}], ` +
        `redis used_memory ${(sample.usedMemory / MiB).toFixed(1)} MiB (run's keys ${keys}, ${(bytes / MiB).toFixed(2)} MiB) | ` +
        `queue ${sample.counts} | requests ${sample.requests}`,
    );
  }
  await driver;
  await waitFor('in-flight requests', async () => inflight === 0, { timeoutMs: 60_000 });

  // Every accepted text must be in the table once the queue is empty.
  const textsAccepted = Number(probeRows!.n) + records.filter((r) => r.status === 200 || r.status === 202).reduce((n, r) => n + r.texts, 0);
  const rowsNow = async () => Number((await stack.sql<{ n: string }>('select count(*) as n from {schema}.predictions'))[0]!.n);
  await waitFor('every accepted text to be stored', async () => (await rowsNow()) >= textsAccepted, { timeoutMs: 120_000, intervalMs: 500 }).catch(() => {});
  const rows = await rowsNow();

  const post = samples.filter((s) => s.minute >= WARMUP_MINUTES);
  clearInterval(ticker);
  const within = (key: 'apiRss' | 'workerRss') => {
    const sorted = post.map((s) => s[key]).sort((a, b) => a - b);
    const base = sorted[Math.floor(sorted.length / 2)] ?? NaN; // median of the post-warm-up minute means
    const worst = Math.max(0, ...post.map((s) => Math.abs(s[key] / base - 1)));
    return { ok: post.length >= 2 && worst <= RSS_TOLERANCE, text: `${key} ${post.map((s) => s[key].toFixed(0)).join('→')} MiB (max deviation from their median ${(worst * 100).toFixed(1)}%)` };
  };
  const apiRss = within('apiRss');
  const workerRss = within('workerRss');
  const baseBytes = post[0]?.prefixBytes ?? 0;
  const maxBytes = Math.max(0, ...post.map((s) => s.prefixBytes));
  const redisBounded = maxBytes <= baseBytes * 1.2 + MiB;
  const failed = records.filter((r) => r.status !== 200 && r.status !== 202);
  const warnings = alarms();

  const c = checks();
  c.expect(post.length >= 2, `need at least ${WARMUP_MINUTES + 1} minutes to judge memory after a ${WARMUP_MINUTES}-minute warm-up`);
  c.expect(apiRss.ok, `API RSS drifted: ${apiRss.text}`);
  c.expect(workerRss.ok, `worker RSS drifted: ${workerRss.text}`);
  c.expect(redisBounded, `the run's Redis keys grew from ${(baseBytes / MiB).toFixed(2)} to ${(maxBytes / MiB).toFixed(2)} MiB`);
  c.expect(warnings.length === 0, `${warnings.length} warning/crash lines, e.g. ${warnings.slice(0, 3).join(' | ')}`);
  c.expect(failed.length === 0 && skipped === 0, `${failed.length} failed requests (${statusHistogram(failed)}), ${skipped} not sent (over ${MAX_INFLIGHT} in flight)`);
  c.expect(rows === textsAccepted, `rows ${rows} ≠ texts accepted ${textsAccepted}`);
  c.expect(alive(stack.api) && alive(worker), 'a process died');
  return c.verdict(
    `${MINUTES} min at ${rps} req/s: requests ${records.length} (${statusHistogram(records)}), texts accepted ${textsAccepted}, rows ${rows}; ` +
      `${apiRss.text}; ${workerRss.text}; run's Redis keys ${post.map((s) => (s.prefixBytes / MiB).toFixed(2)).join('→')} MiB; warnings ${warnings.length}`,
  );
});
