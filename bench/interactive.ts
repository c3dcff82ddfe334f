// npm run bench:interactive [-- --rate 20 --seconds 20 --job-texts 10000 --reps 2] — does bulk work slow
// interactive requests down? /predict at a fixed rate (open loop: one request every 1/rate s, whatever
// the answers do) with no job running, then the same while one /jobs job of 10,000 texts runs.
// Target (issue 12): /predict p99 during the job ≤ 2× its p99 without. Distinct texts throughout (no
// cache hits: the result cache would answer repeats without the model); the job's texts too.
import { parseArgs } from 'node:util';
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
}

/** /predict every 1000/rate ms until `until` resolves (or `seconds` pass); latencies of 200s in ms. */
async function paced(stack: Stack, until: Promise<unknown> | undefined): Promise<Phase> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const inFlight: Promise<void>[] = [];
  let done = false;
  void until?.finally(() => (done = true));
  const end = Date.now() + seconds * 1000;
  for (let next = Date.now(); until ? !done : Date.now() < end; next += 1000 / rate) {
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    const [text] = source.take(1);
    const started = performance.now();
    inFlight.push(
      postJson(`${stack.url}/predict`, { text }).then(({ status }) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) latencies.push(performance.now() - started);
      }),
    );
  }
  await Promise.all(inFlight);
  return { latencies: latencies.sort((a, b) => a - b), statuses };
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
  for (let rep = 1; rep <= reps; rep++) {
    const quiet = await paced(stack, undefined);
    const job = bulkJob(stack);
    const busy = await paced(stack, job);
    const jobSeconds = await job;
    const ratio = percentile(busy.latencies, 99) / percentile(quiet.latencies, 99);
    ratios.push(ratio);
    rows.push([rep, 'no job', describe(quiet), fmt(percentile(quiet.latencies, 50)), fmt(percentile(quiet.latencies, 99)), '', '']);
    rows.push([rep, `${jobTexts}-text job`, describe(busy), fmt(percentile(busy.latencies, 50)), fmt(percentile(busy.latencies, 99)), fmt(jobSeconds), fmt(ratio, 2)]);
  }
  console.log(`\n/predict at ${rate} req/s, one worker (${process.env.INFERENCE_THREADS ?? 'all'} inference threads); texts: ${textSourceName()}`);
  printTable(['rep', 'while', 'answers', 'p50 ms', 'p99 ms', 'job s', 'p99 ratio'], rows);
  const hits = await reportCacheHits(stack, since);
  const worst = hits > 0 ? Number.POSITIVE_INFINITY : Math.max(...ratios);
  console.log(`\np99 with a bulk job ÷ without: ${ratios.map((r) => fmt(r, 2)).join(', ')}; target ≤ 2: ${worst <= 2 ? 'met' : 'NOT met'}`);
} finally {
  await stack.stop();
}
