// npm run bench:scaling [-- --model shipped|heavy] — throughput with 1–3 worker processes and different
// INFERENCE_THREADS / INTRA_OP_THREADS, and what to set per worker container. See docs/benchmarks.md.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchStack } from './stack.js';
import { bulkJobs, reportCacheHits, envPairs, fmt, predictLoad, printTable, replaceWorkers, type LoadResult } from './load.js';
import { parseModelKind, resolveModel, sizes } from './models.js';
import { TextSource, textSourceName } from './texts.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    // workers x INFERENCE_THREADS x INTRA_OP_THREADS
    configs: { type: 'string', default: '1x1x1,1x2x1,1x1x2,2x1x1,3x1x1,2x2x1' },
    scale: { type: 'string', default: '1' },
    reps: { type: 'string', default: '1' },
    'heavy-dir': { type: 'string' },
    'worker-env': { type: 'string', multiple: true },
  },
});
const model = resolveModel(parseModelKind(args.model), args['heavy-dir']);
const size = sizes(model.kind, Number(args.scale));
const cores = os.availableParallelism();
const configs = args.configs.split(',').map((c) => {
  const [workers, threads, intraOp] = c.split('x').map(Number) as [number, number, number];
  if (![workers, threads, intraOp].every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`--configs: "${c}" is not WxTxI`);
  return { workers, threads, intraOp };
});
const base = { MODEL_DIR: model.dir, LOG_LEVEL: 'warn', ...envPairs(args['worker-env']) };
const workerEnv = (c: { threads: number; intraOp: number }) => ({ ...base, INFERENCE_THREADS: String(c.threads), INTRA_OP_THREADS: String(c.intraOp) });
const texts = new TextSource();
type Config = (typeof configs)[number];
interface Result extends Config {
  jobsTps: number;
  c64: LoadResult;
}
const c64Requests = Math.round(size.c64Requests / 2);
const reps = Number(args.reps);

console.log(`machine: ${cores} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; API, Redis and Postgres share them`);
console.log(`model: ${model.kind} (${model.dir}); per configuration (× ${reps}): /jobs of ${size.scalingJobTexts} texts in 6 jobs, /predict c64 × ${c64Requests}`);
console.log(`texts: ${textSourceName()}; cache hits are counted from the rows\n`);
const runStart = new Date();

const stack = await startBenchStack('scaling', { workerEnv: workerEnv(configs[0]!), apiEnv: { LOG_LEVEL: 'warn', SYNC_TIMEOUT_MS: '30000' } });
try {
  const results: Result[] = [];
  for (const [i, config] of configs.entries()) {
    if (i > 0) await replaceWorkers(stack, config.workers, workerEnv(config));
    else await stack.waitReady(1);
    await predictLoad(stack.url, 16, texts.take(size.warmup * config.workers));
    const runs: { jobsTps: number; c64: LoadResult }[] = [];
    for (let r = 0; r < reps; r++) {
      // Six jobs, so up to three worker processes all get work (one job runs on one worker).
      const jobsTps = await bulkJobs(stack.url, texts.take(size.scalingJobTexts), 6);
      runs.push({ jobsTps, c64: await predictLoad(stack.url, 64, texts.take(c64Requests)) });
    }
    // The repetition with the median /jobs figure stands for the configuration.
    const { jobsTps, c64 } = [...runs].sort((a, b) => a.jobsTps - b.jobsTps)[Math.floor(runs.length / 2)]!;
    results.push({ ...config, jobsTps, c64 });
    console.log(`${config.workers} worker(s) × ${config.threads} inference × ${config.intraOp} intra-op: /jobs ${fmt(jobsTps, 0)} texts/s, /predict c64 ${fmt(c64.rps)} req/s`);
  }

  console.log('');
  printTable(
    ['worker processes', 'INFERENCE_THREADS', 'INTRA_OP_THREADS', 'threads/core', '/jobs texts/s', 'c64 req/s', 'c64 p50 ms', 'c64 p99 ms', 'non-200'],
    results.map((r) => [r.workers, r.threads, r.intraOp, fmt((r.workers * r.threads * r.intraOp) / cores, 1), fmt(r.jobsTps, 0), fmt(r.c64.rps), fmt(r.c64.p50), fmt(r.c64.p99), r.c64.failures]),
  );

  // Score each configuration by its worse showing relative to the best on either path, then prefer fewer
  // processes (each holds its own model copy and connections) among those within 5 % of the top.
  const bestJobs = Math.max(...results.map((r) => r.jobsTps));
  const bestC64 = Math.max(...results.map((r) => r.c64.rps));
  const score = (r: Result) => Math.min(r.jobsTps / bestJobs, r.c64.rps / bestC64);
  const top = Math.max(...results.map(score));
  const pick = results.filter((r) => score(r) >= top - 0.05).sort((a, b) => a.workers - b.workers || a.threads * a.intraOp - b.threads * b.intraOp)[0]!;
  // A container is one worker process: it gets the cores that process had here (cores ÷ processes).
  const threadsPerCore = (pick.threads * pick.workers) / cores;
  console.log(
    `\nrecommendation (${model.kind} model): ${pick.workers} worker process(es) on ${cores} cores, each INFERENCE_THREADS=${pick.threads} ` +
      `INTRA_OP_THREADS=${pick.intraOp} (${fmt(score(pick) * 100, 0)} % of the best on its weaker path).`,
  );
  console.log(
    `  per worker container with C cores: INFERENCE_THREADS=${threadsPerCore === 1 ? 'C' : `${fmt(threadsPerCore, 1)}×C`}, ` +
      `INTRA_OP_THREADS=${pick.intraOp}; scale out with more containers (docker compose up --scale worker=N).`,
  );
  await reportCacheHits(stack, runStart);
} finally {
  await stack.stop();
}
