// npm run bench:pipeline [-- --model shipped|heavy] — the pipeline's throughput and latency next to the
// model's own speed, in one run. `-- --writers`: /jobs with each prediction writer instead (bench/writers.ts);
// `-- --compare NAME:KEY=VALUE,… --compare NAME:…`: /jobs with two worker environments (bench/worker-variants.ts).
// See docs/benchmarks.md.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchStack } from './stack.js';
import { cpuPerItem, cpuSnapshot, CPU_COMPONENTS } from './cpu.js';
import { measureExpressFloor, measureFloors } from './floors.js';
import { batchStats, bulkJobs, envPairs, fmt, openModelOnly, predictLoad, printTable, queueTimeline, type LoadResult, type QueueTimeline } from './load.js';
import { parseModelKind, resolveModel, sizes } from './models.js';
import { median, TextSource, textSourceName } from './texts.js';
import { compareWorkerVariants, parseVariant } from './worker-variants.js';
import { compareWriters } from './writers.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    reps: { type: 'string', default: '3' },
    scale: { type: 'string', default: '1' },
    threads: { type: 'string' },
    'intra-op': { type: 'string' },
    'batch-size': { type: 'string' },
    'heavy-dir': { type: 'string' },
    'worker-env': { type: 'string', multiple: true },
    writers: { type: 'boolean', default: false },
    compare: { type: 'string', multiple: true },
  },
});
const model = resolveModel(parseModelKind(args.model), args['heavy-dir']);
const reps = Number(args.reps);
const size = sizes(model.kind, Number(args.scale));
const threads = Number(args.threads ?? process.env.INFERENCE_THREADS ?? os.availableParallelism());
const intraOpThreads = Number(args['intra-op'] ?? process.env.INTRA_OP_THREADS ?? 1);
const batchSize = Number(args['batch-size'] ?? process.env.MAX_BATCH_SIZE ?? 32);
const workerEnvOverrides = envPairs(args['worker-env']);
const sortWindow = Number(workerEnvOverrides.BATCH_SORT_WINDOW ?? process.env.BATCH_SORT_WINDOW ?? 8);
const workerEnv = { MODEL_DIR: model.dir, INFERENCE_THREADS: String(threads), INTRA_OP_THREADS: String(intraOpThreads), MAX_BATCH_SIZE: String(batchSize), LOG_LEVEL: 'warn', BATCH_SORT_WINDOW: String(sortWindow), ...workerEnvOverrides };
const texts = new TextSource();

console.log(`machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model.trim()}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`model: ${model.kind} (${model.dir}); worker: 1 process × ${threads} inference threads × ${intraOpThreads} intra-op threads, MAX_BATCH_SIZE=${batchSize}`);
if (args['worker-env']) console.log(`worker env overrides: ${args['worker-env'].join(' ')}`);
console.log(`${reps} repetitions; texts: ${textSourceName()}; none repeats within the run, and cache hits are counted from the rows\n`);

interface Rep {
  modelTps: number;
  /** Model only, batches cut from length-sorted windows as the worker's batcher forms them under a backlog. */
  modelSortedTps: number;
  singleMs: number;
  c1: LoadResult;
  c1Timeline: QueueTimeline;
  c64: LoadResult;
  jobsTps: number;
  c64Batch: number;
  c64Busy: number;
  jobsBatch: number;
  jobsBusy: number;
  /** Rows the result cache answered in the c1, c64 and /jobs phases (0 unless something repeated). */
  cacheHits: number;
  /** CPU ms per text (per request for /predict) of each process, per phase. */
  cpu: Record<'c1' | 'c64' | 'jobs', Record<string, number>>;
}

if (args.compare && args.compare.length !== 2) throw new Error('--compare takes exactly two variants (e.g. --compare base: --compare semi4:NODE_OPTIONS=--max-semi-space-size=4)');
if (args.writers || args.compare) {
  const stack = await startBenchStack('bench', { workerEnv, apiEnv: { LOG_LEVEL: 'warn', SYNC_TIMEOUT_MS: '30000' } });
  try {
    const opts = { texts, jobTexts: size.jobTexts, reps: Math.max(reps, 3), workerEnv };
    if (args.compare) await compareWorkerVariants(stack, { ...opts, variants: [parseVariant(args.compare[0]!), parseVariant(args.compare[1]!)] });
    else await compareWriters(stack, opts);
  } finally {
    await stack.stop();
  }
  process.exit(0);
}

const modelOnly = await openModelOnly({ modelDir: model.dir, threads, intraOpThreads, batchSize });
const stack = await startBenchStack('bench', { workerEnv, apiEnv: { LOG_LEVEL: 'warn', SYNC_TIMEOUT_MS: '30000' } });
try {
  await modelOnly.throughput(texts.take(Math.min(size.modelTexts, batchSize * threads * 2))); // warm-up
  await predictLoad(stack.url, 8, texts.take(size.warmup));
  const runs: Rep[] = [];
  for (let r = 0; r < reps; r++) {
    // Model alone first, with the stack idle, then the three pipeline paths: each repetition sees the same machine load.
    const modelTps = await modelOnly.throughput(texts.take(size.modelTexts));
    const modelSortedTps = sortWindow > 1 ? await modelOnly.throughput(texts.take(size.modelTexts), sortWindow) : modelTps;
    const singleMs = await modelOnly.singleMs(texts.take(size.singleCalls));
    let cpu = await cpuSnapshot(stack);
    const c1Start = Date.now();
    const c1 = await predictLoad(stack.url, 1, texts.take(size.c1Requests));
    const c1Cpu = cpuPerItem(cpu, (cpu = await cpuSnapshot(stack)), size.c1Requests);
    const c1Timeline = await queueTimeline(stack, c1Start, size.c1Requests);
    let since = new Date();
    cpu = await cpuSnapshot(stack);
    const c64 = await predictLoad(stack.url, 64, texts.take(size.c64Requests));
    const c64Cpu = cpuPerItem(cpu, (cpu = await cpuSnapshot(stack)), size.c64Requests);
    const c64Stats = await batchStats(stack, since);
    since = new Date();
    cpu = await cpuSnapshot(stack);
    const jobTexts = texts.take(size.jobTexts);
    const jobsTps = await bulkJobs(stack.url, jobTexts);
    const jobsCpu = cpuPerItem(cpu, await cpuSnapshot(stack), jobTexts.length);
    const jobsStats = await batchStats(stack, since);
    const allPhases = await batchStats(stack, new Date(c1Start));
    const busy = (modelMs: number, seconds: number) => modelMs / (threads * seconds * 1000);
    const rep: Rep = {
      modelTps,
      modelSortedTps,
      singleMs,
      c1,
      c1Timeline,
      c64,
      jobsTps,
      c64Batch: c64Stats.meanSize,
      c64Busy: busy(c64Stats.modelMs, c64.seconds),
      jobsBatch: jobsStats.meanSize,
      jobsBusy: busy(jobsStats.modelMs, jobTexts.length / jobsTps),
      cpu: { c1: c1Cpu, c64: c64Cpu, jobs: jobsCpu },
      cacheHits: allPhases.cacheHits,
    };
    runs.push(rep);
    console.log(
      `rep ${r + 1}: model ${fmt(modelTps, 0)} texts/s, one text ${fmt(singleMs, 2)} ms | /predict c1 p50 ${fmt(c1.p50, 2)} ms | ` +
        `c64 ${fmt(c64.rps, 0)} req/s | /jobs ${fmt(jobsTps, 0)} texts/s | non-200: ${c1.failures + c64.failures} | cache hits: ${rep.cacheHits}`,
    );
  }

  const col = (pick: (r: Rep) => number, digits = 1) => [...runs.map((r) => fmt(pick(r), digits)), fmt(median(runs.map(pick)), digits)];
  console.log('');
  printTable(
    ['', ...runs.map((_, i) => `rep ${i + 1}`), 'median'],
    [
      [`model only: texts/s (batch ${batchSize}, ${threads} threads × ${intraOpThreads} intra-op)`, ...col((r) => r.modelTps, 0)],
      [`model only, length-sorted windows of ${sortWindow} batches: texts/s`, ...col((r) => r.modelSortedTps, 0)],
      ['model only: one text, ms', ...col((r) => r.singleMs, 2)],
      ['/predict c1: req/s', ...col((r) => r.c1.rps)],
      ['/predict c1: p50 ms', ...col((r) => r.c1.p50, 2)],
      ['/predict c1: p99 ms', ...col((r) => r.c1.p99, 2)],
      ['/predict c64: req/s', ...col((r) => r.c64.rps, 0)],
      ['/predict c64: p50 ms', ...col((r) => r.c64.p50)],
      ['/predict c64: p99 ms', ...col((r) => r.c64.p99)],
      ['/predict c64: mean micro-batch', ...col((r) => r.c64Batch)],
      ['/predict c64: model busy %', ...col((r) => r.c64Busy * 100, 0)],
      [`/jobs (${size.jobTexts} texts): texts/s`, ...col((r) => r.jobsTps, 0)],
      ['/jobs: mean micro-batch', ...col((r) => r.jobsBatch)],
      ['/jobs: model busy %', ...col((r) => r.jobsBusy * 100, 0)],
    ],
  );

  const t = (pick: (x: QueueTimeline) => number) => fmt(median(runs.map((r) => pick(r.c1Timeline))), 2);
  console.log(
    `\n/predict c1, where the time goes (medians of per-repetition means; BullMQ's own timestamps, whole ms each): ` +
      `queued → taken by a worker ${t((x) => x.waitMs)} ms, taken → completed (cache lookup, model, rows written, reply sent) ${t((x) => x.workMs)} ms, ` +
      `the rest of the ${fmt(median(runs.map((r) => r.c1.p50)), 2)} ms p50 is HTTP, the API and the reply's way back (jobs: ${median(runs.map((r) => r.c1Timeline.jobs))})`,
  );

  console.log('\nCPU time per text, ms (medians; /proc of each process; 1000 ÷ texts/s × cores = what the machine has per text)');
  const phases = ['c1', 'c64', 'jobs'] as const;
  printTable(
    ['', '/predict c1', '/predict c64', '/jobs'],
    [
      ...CPU_COMPONENTS.map((c) => [c, ...phases.map((ph) => fmt(median(runs.map((r) => r.cpu[ph][c]!)), 3))]),
      ['sum', ...phases.map((ph) => fmt(median(runs.map((r) => Object.values(r.cpu[ph]).reduce((a, b) => a + b, 0))), 3))],
      [
        `wall ms per text × ${os.availableParallelism()} cores`,
        ...[(r: Rep) => r.c1.rps, (r: Rep) => r.c64.rps, (r: Rep) => r.jobsTps].map((rate) => fmt(median(runs.map((r) => (1000 / rate(r)) * os.availableParallelism())), 3)),
      ],
    ],
  );

  const m = (pick: (r: Rep) => number) => median(runs.map(pick));
  const heavy = model.kind === 'heavy';
  // A phase the cache answered in part measured the cache, not the model: its ratios mean nothing.
  const hits = runs.reduce((n, r) => n + r.cacheHits, 0);
  if (hits > 0) console.log(`\nINVALID: ${hits} predictions were answered by the result cache; the ratios below are not the model path's`);
  const check = (value: number, target: number, atLeast: boolean) =>
    hits > 0 ? 'INVALID (cache hits)' : (atLeast ? value >= target : value <= target) ? 'meets' : 'BELOW target';
  const jobsRatio = m((r) => r.jobsTps / r.modelTps);
  const c64Ratio = m((r) => r.c64.rps / r.modelTps);
  const overhead = m((r) => r.c1.p50 - r.singleMs);
  const c64 = m((r) => r.c64.rps);
  console.log('\nsummary (medians of per-repetition values)                      value   target');
  const line = (label: string, value: string, target: string) => console.log(`  ${label.padEnd(60)} ${value.padStart(7)}   ${target}`);
  line('/jobs texts/s ÷ model-only texts/s', fmt(jobsRatio, 2), heavy ? `≥ 0.90: ${check(jobsRatio, 0.9, true)}` : `≥ 0.70: ${check(jobsRatio, 0.7, true)}`);
  line('/jobs texts/s ÷ model-only on length-sorted batches', fmt(m((r) => r.jobsTps / r.modelSortedTps), 2), '');
  line('/predict c64 req/s ÷ model-only texts/s', fmt(c64Ratio, 2), heavy ? `≥ 0.90: ${check(c64Ratio, 0.9, true)}` : '');
  line('/predict c1 p50 − model time for one text (ms)', fmt(overhead, 2), heavy ? '' : `≤ 3 ms: ${check(overhead, 3, false)}`);
  line('/predict c64 req/s', fmt(c64, 0), heavy ? '' : `≥ 2000: ${check(c64, 2000, true)}`);
  const floors = await measureFloors(stack);
  console.log(
    `\nfixed costs under /predict c1 (medians, each alone): HTTP round trip to /health ${fmt(floors.httpMs, 2)} ms, ` +
      `Redis PING ${fmt(floors.redisMs, 2)} ms, Postgres one-row INSERT + commit ${fmt(floors.pgCommitMs, 2)} ms`,
  );
  if (!heavy) {
    const express = await measureExpressFloor();
    console.log(
      `an empty Express route (express.json + res.json, bench/floor-server.ts) at c64, alone: ${fmt(express.rps, 0)} req/s, ` +
        `${fmt(express.serverCpuMs, 3)} ms of server CPU and ${fmt(express.clientCpuMs, 3)} ms of load-generator CPU per request`,
    );
  }
  console.log(`idle stack, CPU ms per second: api ${fmt(floors.idleCpu.api!)}, worker ${fmt(floors.idleCpu['worker event loop']! + floors.idleCpu['worker other threads']!)}, rest of the machine ${fmt(floors.idleCpu['rest of the machine']!)}`);
  const failures = runs.reduce((n, r) => n + r.c1.failures + r.c64.failures, 0);
  if (failures > 0) console.log(`\n${failures} /predict answers were not 200 (202 = SYNC_TIMEOUT_MS ran out).`);
} finally {
  await stack.stop();
  await modelOnly.close();
}
