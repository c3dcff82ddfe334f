// npm run bench:interactive [-- --rate 20 --seconds 20 --job-texts 10000 --reps 2] — does bulk work slow
// interactive requests down? /predict at a fixed rate (open loop: one request every 1/rate s, whatever
// the answers do, from a thread of its own) with no job running, then the same while one /jobs job of
// 10,000 texts runs.
// Target (issue 12): /predict p99 during the job ≤ 2× its p99 without. Distinct texts throughout (no
// cache hits: the result cache would answer repeats without the model); the job's texts too.
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { startBenchStack } from './stack.js';
import { fmt, printTable, reportCacheHits } from './load.js';
import { getJson, postJson, type Stack } from '../test/support/stack.js';
import { percentile, TextSource, textSourceName } from './texts.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    'job-texts': { type: 'string', default: '10000' },
    reps: { type: 'string', default: '2' },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const jobTexts = Number(args['job-texts']);
const reps = Number(args.reps);
const source = new TextSource();

interface Phase {
  latencies: number[];
  statuses: Map<number, number>;
  /** [sent at, ms after the phase began; latency] of the slowest answers. */
  slowest: Array<[number, number]>;
}

/** /predict every 1000/rate ms (in a worker thread: bench/paced-load.mjs) until `until` resolves, or for `seconds`. */
async function paced(stack: Stack, until: Promise<unknown> | undefined): Promise<Phase> {
  // Enough distinct texts for the phase: a job phase lasts seconds, a quiet one `seconds`.
  const texts = source.take(Math.ceil(rate * (until ? 120 : seconds)) + 10);
  const worker = new Worker(new URL('./paced-load.mjs', import.meta.url), {
    workerData: { url: `${stack.url}/predict`, rate, seconds: until ? undefined : seconds, texts },
  });
  void until?.finally(() => worker.postMessage('stop'));
  const answers = await new Promise<Array<[sentAt: number, ms: number, status: number]>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const statuses = new Map<number, number>();
  for (const [, , status] of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const ok = answers.filter(([, , status]) => status === 200);
  return {
    latencies: ok.map(([, ms]) => ms).sort((a, b) => a - b),
    statuses,
    slowest: ok.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([at, ms]) => [at, ms]),
  };
}

async function bulkJob(stack: Stack): Promise<number> {
  const started = Date.now();
  const { status, body } = await postJson(`${stack.url}/jobs`, { texts: source.take(jobTexts) });
  if (status !== 202) throw new Error(`POST /jobs answered ${status}: ${JSON.stringify(body)}`);
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const s = await getJson(`${stack.url}${body.status_url}`);
    if (s.body.status === 'completed') return (Date.parse(s.body.finished_at) - started) / 1000;
    if (s.body.status === 'failed') throw new Error(`bulk job failed: ${JSON.stringify(s.body.error)}`);
  }
}

const describe = (p: Phase) => [...p.statuses].map(([s, n]) => `${s}×${n}`).join(' ');

const stack = await startBenchStack('interactive', { workers: 1 });
try {
  await paced(stack, undefined); // warm-up: threads, connections, prepared statements
  const since = new Date();
  const rows: (string | number)[][] = [];
  const ratios: number[] = [];
  const pooled = { quiet: [] as number[], busy: [] as number[] };
  for (let rep = 1; rep <= reps; rep++) {
    const quiet = await paced(stack, undefined);
    const job = bulkJob(stack);
    const busy = await paced(stack, job);
    const jobSeconds = await job;
    const ratio = percentile(busy.latencies, 99) / percentile(quiet.latencies, 99);
    ratios.push(ratio);
    pooled.quiet.push(...quiet.latencies);
    pooled.busy.push(...busy.latencies);
    const slow = (p: Phase) => p.slowest.map(([at, ms]) => `${fmt(ms, 0)}@${fmt(at / 1000, 2)}s`).join(' ');
    rows.push([rep, 'no job', describe(quiet), fmt(percentile(quiet.latencies, 50)), fmt(percentile(quiet.latencies, 99)), '', '', slow(quiet)]);
    rows.push([rep, `${jobTexts}-text job`, describe(busy), fmt(percentile(busy.latencies, 50)), fmt(percentile(busy.latencies, 99)), fmt(jobSeconds), fmt(ratio, 2), slow(busy)]);
  }
  console.log(`\n/predict at ${rate} req/s, one worker (${process.env.INFERENCE_THREADS ?? 'all'} inference threads); texts: ${textSourceName()}`);
  printTable(['rep', 'while', 'answers', 'p50 ms', 'p99 ms', 'job s', 'p99 ratio', 'slowest: ms@sent (s after the phase began)'], rows);
  const hits = await reportCacheHits(stack, since);
  // One repetition's job phase holds ~50–70 answers, so its p99 is nearly its maximum; the p99 of all
  // repetitions' answers together is the figure the target is about.
  for (const p of [pooled.quiet, pooled.busy]) p.sort((a, b) => a - b);
  const ratio = hits > 0 ? Number.POSITIVE_INFINITY : percentile(pooled.busy, 99) / percentile(pooled.quiet, 99);
  console.log(`\np99 with a bulk job ÷ without, per repetition: ${ratios.map((r) => fmt(r, 2)).join(', ')}`);
  console.log(
    `p99 over all repetitions: ${fmt(percentile(pooled.busy, 99))} ms with a job (${pooled.busy.length} answers) ÷ ${fmt(percentile(pooled.quiet, 99))} ms without ` +
      `(${pooled.quiet.length}) = ${fmt(ratio, 2)}; target ≤ 2: ${ratio <= 2 ? 'met' : 'NOT met'}`,
  );
} finally {
  await stack.stop();
}
