// npm run bench:cache [-- --model-dir DIR] [--rounds N] [--other-rounds N] [--other-scale F] [--skip-shipped]
// The worker's result cache on (CACHE_TTL_S=3600) vs off (CACHE_TTL_S=0) on a workload where half the
// texts repeat earlier ones: POST /predict at concurrency 64 and bulk POST /jobs, with the shipped model
// and, given --model-dir, with another one (e.g. `MODEL_DIR=$(npm run -s bench:make-heavy-model)`).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startedApps, waitFor } from '../test/support/processes.js';
import { getJson, postJson, startStack, type Stack } from '../test/support/stack.js';
import { benchTexts, percentile } from './texts.js';

const { values: args } = parseArgs({
  options: {
    'model-dir': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    'other-rounds': { type: 'string', default: '1' },
    'skip-shipped': { type: 'boolean', default: false },
    // The other model is usually far slower: its workload is this fraction of the shipped model's.
    'other-scale': { type: 'string', default: '0.1' },
  },
});
const threads = Number(process.env.INFERENCE_THREADS ?? os.availableParallelism());
const CONCURRENCY = 64;
/** The middle value, or the mean of the two middle values. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
/**
 * CPU time (user + system, ms) the process has used, from /proc (Linux; NaN elsewhere). On a shared
 * machine it moves far less than wall-clock rates do, so it shows what the cache saves the worker.
 */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in 1/100 s ticks
  } catch {
    return NaN;
  }
}
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

interface Workload {
  predictRequests: number;
  primeTexts: number;
  jobTexts: number;
  jobs: number;
}

/** Deterministic choices, so cache on and off see the same workload. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Unique texts: sentences from the bench pool with a run tag (SST-2 dev alone repeats after 872). */
function uniqueTexts(n: number, tag: string): string[] {
  return benchTexts(n).map((t, i) => `${t} [${tag}${i}]`);
}

/**
 * /predict requests, half new and half (every odd one) repeats: of a seed text (sent before, not
 * measured) or of a text sent at least 2 × concurrency requests earlier, whose answer is back by then.
 */
function predictWorkload(n: number, tag: string): { seeds: string[]; texts: string[] } {
  const seeds = uniqueTexts(2 * CONCURRENCY, `${tag}s`);
  const fresh = uniqueTexts(n, tag);
  const rnd = random(42);
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      texts.push(fresh[i]!);
      continue;
    }
    const k = Math.floor(rnd() * (seeds.length + Math.max(0, i - 2 * CONCURRENCY)));
    texts.push(k < seeds.length ? seeds[k]! : texts[k - seeds.length]!);
  }
  return { seeds, texts };
}

interface PredictRun {
  textsPerS: number;
  p50: number;
  p99: number;
  hits: number;
  failures: number;
}

async function predictLoad(url: string, texts: string[]): Promise<PredictRun> {
  const latencies: number[] = [];
  let next = 0;
  let hits = 0;
  let failures = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < texts.length) {
        const text = texts[next++]!;
        const t = performance.now();
        const res = await postJson(`${url}/predict`, { text });
        latencies.push(performance.now() - t);
        if (res.status !== 200) failures++;
        else if (res.body.cache_hit) hits++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { textsPerS: texts.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), hits: hits / texts.length, failures };
}

/** One bulk job; the clock stops at the job's own finished_at (its last rows are written by then). */
async function bulkJob(url: string, texts: string[]): Promise<{ textsPerS: number; hits: number }> {
  const start = Date.now();
  const { status, body } = await postJson(`${url}/jobs`, { texts });
  if (status !== 202) throw new Error(`POST /jobs answered ${status}: ${JSON.stringify(body)}`);
  const done = await waitFor(
    'the bulk job',
    async () => {
      const s = await getJson(`${url}${body.status_url}`);
      return s.body.status === 'completed' || s.body.status === 'failed' ? s.body : undefined;
    },
    { timeoutMs: 1_800_000, intervalMs: 100 },
  );
  if (done.status !== 'completed') throw new Error(`bulk job ${done.status}: ${JSON.stringify(done.error)}`);
  const hits = (done.result.predictions as Array<{ cache_hit: boolean }>).filter((p) => p.cache_hit).length;
  return { textsPerS: texts.length / ((Date.parse(done.finished_at) - start) / 1000), hits: hits / texts.length };
}

/**
 * A priming job of new texts (not measured), then `jobs` jobs alternating new texts and repeats of any
 * earlier job's text. Repeats must come from earlier jobs: a job's chunks are all looked up when it starts.
 */
async function jobsLoad(url: string, w: Workload, tag: string, cpu: () => number) {
  const seen = uniqueTexts(w.primeTexts, `${tag}p`);
  // All misses: with the cache on, what its lookups and stores cost when nothing repeats.
  let c0 = cpu();
  const prime = await bulkJob(url, seen);
  const primeCpu = ((cpu() - c0) / w.primeTexts) * 1000;
  c0 = cpu();
  const rnd = random(7);
  const runs = [];
  for (let j = 0; j < w.jobs; j++) {
    const fresh = uniqueTexts(w.jobTexts, `${tag}j${j}-`);
    const texts = fresh.map((t, i) => (i % 2 === 1 ? seen[Math.floor(rnd() * seen.length)]! : t));
    runs.push(await bulkJob(url, texts));
    seen.push(...fresh.filter((_, i) => i % 2 === 0));
  }
  return {
    textsPerS: median(runs.map((r) => r.textsPerS)),
    hits: median(runs.map((r) => r.hits)),
    runs: runs.map((r) => r.textsPerS),
    cpuPer1k: ((cpu() - c0) / (w.jobs * w.jobTexts)) * 1000,
    prime: prime.textsPerS,
    primeCpuPer1k: primeCpu,
  };
}

/** Replaces the stack's worker by one with `env` (e.g. the cache on or off). */
async function swapWorker(stack: Stack, env: Record<string, string>): Promise<void> {
  await Promise.all(stack.workers.map((w) => w.stop()));
  stack.workers.length = 0;
  await waitFor('no worker connected', async () => {
    const body = (await (await fetch(`${stack.url}/ready`)).json()) as { checks?: { workers?: number } };
    return (body.checks?.workers ?? 0) === 0;
  });
  stack.startWorker(env);
  await stack.waitReady(1);
}

async function benchModel(label: string, modelDir: string | undefined, w: Workload, rounds: number) {
  const workerEnv: Record<string, string> = { INFERENCE_THREADS: String(threads), LOG_LEVEL: 'warn', METRICS_PORT: '0', CACHE_TTL_S: '0' };
  if (modelDir) workerEnv.MODEL_DIR = modelDir;
  let stack: Stack;
  try {
    // A slow model keeps 64 concurrent /predict requests waiting for seconds: answer them, not 202.
    stack = await startStack('benchcache', { workerEnv, apiEnv: { LOG_LEVEL: 'warn', SYNC_TIMEOUT_MS: '120000' } });
  } catch (err) {
    // startStack throws before returning its handle: stop what it started.
    console.error([...startedApps].map((a) => `--- ${a.name}\n${a.output().slice(-4000)}`).join('\n'));
    await Promise.all([...startedApps].map((a) => a.stop()));
    throw err;
  }
  type Round = { predict: PredictRun & { cpuPer1k: number }; jobs: Awaited<ReturnType<typeof jobsLoad>> };
  const results: Record<'off' | 'on', Round[]> = { off: [], on: [] };
  let version = '';
  try {
    for (let round = 0; round < rounds; round++) {
      // Alternating modes spreads the (shared) machine's load drift over both.
      for (const mode of ['off', 'on'] as const) {
        await swapWorker(stack, { CACHE_TTL_S: mode === 'on' ? '3600' : '0' });
        const tag = `${label}-r${round}${mode}-`;
        // Warm-up with texts of its own, so it leaves nothing in the cache that the workload could hit.
        const warm = await Promise.all(uniqueTexts(64, `${tag}w`).map((text) => postJson(`${stack.url}/predict`, { text })));
        version = warm.find((r) => r.status === 200)?.body.model_version ?? version;
        const workload = predictWorkload(w.predictRequests, `${tag}q`);
        await predictLoad(stack.url, workload.seeds);
        const pid = stack.workers[0]!.child.pid;
        const c0 = cpuMs(pid);
        const predict = { ...(await predictLoad(stack.url, workload.texts)), cpuPer1k: ((cpuMs(pid) - c0) / workload.texts.length) * 1000 };
        const jobs = await jobsLoad(stack.url, w, tag, () => cpuMs(pid));
        results[mode].push({ predict, jobs });
        console.error(
          `  round ${round + 1} cache ${mode}: /predict ${f(predict.textsPerS)} texts/s (hits ${f(predict.hits * 100, 0)} %), ` +
            `/jobs ${jobs.runs.map((r) => f(r, 0)).join(', ')} texts/s (hits ${f(jobs.hits * 100, 0)} %; no repeats ${f(jobs.prime, 0)})`,
        );
      }
    }
  } finally {
    await stack.stop();
  }

  const med = (mode: 'off' | 'on', pick: (r: Round) => number) => median(results[mode].map(pick));
  type Line = { tps: number; p50: number; p99: number; hits: number; cpu: number; fails: number };
  const lines: Record<string, Record<'off' | 'on', Line>> = {};
  for (const mode of ['off', 'on'] as const) {
    const none = { p50: NaN, p99: NaN, fails: 0 };
    (lines[`/predict ×${w.predictRequests} c=${CONCURRENCY}`] ??= {} as Record<'off' | 'on', Line>)[mode] = {
      tps: med(mode, (r) => r.predict.textsPerS),
      p50: med(mode, (r) => r.predict.p50),
      p99: med(mode, (r) => r.predict.p99),
      hits: med(mode, (r) => r.predict.hits),
      cpu: med(mode, (r) => r.predict.cpuPer1k),
      fails: results[mode].reduce((n, r) => n + r.predict.failures, 0),
    };
    (lines[`/jobs ${w.jobs}×${w.jobTexts} texts`] ??= {} as Record<'off' | 'on', Line>)[mode] = {
      ...none,
      tps: med(mode, (r) => r.jobs.textsPerS),
      hits: med(mode, (r) => r.jobs.hits),
      cpu: med(mode, (r) => r.jobs.cpuPer1k),
    };
    (lines[`/jobs ${w.primeTexts}, no repeats`] ??= {} as Record<'off' | 'on', Line>)[mode] = {
      ...none,
      tps: med(mode, (r) => r.jobs.prime),
      hits: 0,
      cpu: med(mode, (r) => r.jobs.primeCpuPer1k),
    };
  }
  console.log(`\nmodel ${version}${modelDir ? ` (${modelDir})` : ' (shipped)'}; medians of ${rounds} round(s)`);
  console.log(`  ${'workload'.padEnd(22)} cache   texts/s    p50 ms    p99 ms   hits   worker CPU ms per 1,000 texts`);
  for (const [name, modes] of Object.entries(lines)) {
    for (const mode of ['off', 'on'] as const) {
      const l = modes[mode];
      console.log(
        `  ${name.padEnd(22)} ${mode.padEnd(5)} ${f(l.tps).padStart(9)} ${f(l.p50, 2).padStart(9)} ${f(l.p99, 2).padStart(9)} ` +
          `${f(l.hits * 100, 0).padStart(4)} % ${f(l.cpu, 0).padStart(8)}${l.fails ? `   (${l.fails} non-200)` : ''}`,
      );
    }
  }
  console.log('  gain (on ÷ off):');
  for (const [name, { on, off }] of Object.entries(lines)) {
    const latency = Number.isFinite(on.p50) ? `, p50 ×${f(on.p50 / off.p50, 2)}, p99 ×${f(on.p99 / off.p99, 2)}` : '';
    console.log(`    ${name.padEnd(22)} texts/s ×${f(on.tps / off.tps, 2)}${latency}; worker CPU per text ×${f(on.cpu / off.cpu, 2)}`);
  }
}

console.log(
  `machine: ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at start; ` +
    `worker: 1 process × ${threads} inference threads; workload: ~50 % repeats of earlier texts`,
);
const shipped: Workload = { predictRequests: 4000, primeTexts: 5000, jobTexts: 10_000, jobs: 3 };
if (!args['skip-shipped']) await benchModel('s', undefined, shipped, Number(args.rounds));
if (args['model-dir']) {
  const k = Number(args['other-scale']);
  const scaled = (n: number) => Math.max(256 + CONCURRENCY, Math.round(n * k));
  await benchModel('m', args['model-dir'], { predictRequests: scaled(4000), primeTexts: scaled(5000), jobTexts: scaled(10_000), jobs: 3 }, Number(args['other-rounds']));
}
console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
