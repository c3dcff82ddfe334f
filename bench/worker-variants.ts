// /jobs end to end with two worker configurations, in one run (bench:pipeline --writers, --compare). The
// stack's worker is replaced for every measurement, the variants alternating (their order flipping each
// repetition), so drifting machine load hits both alike.
import { freePort, type Stack } from '../test/support/stack.js';
import { cpuPerItem, cpuSnapshot } from './cpu.js';
import { batchStats, bulkJobs, envPairs, fmt, printTable, replaceWorkers } from './load.js';
import { median, type TextSource } from './texts.js';

export interface WorkerVariant {
  name: string;
  /** Worker environment on top of the run's own. */
  env: Record<string, string>;
}

interface Run {
  textsPerS: number;
  /** CPU ms per text: the worker's event loop, the whole worker (every thread) and the stack's Postgres backends. */
  workerLoopMs: number;
  workerMs: number;
  postgresMs: number;
  /** Rows per flush of the job, from the worker's /metrics. */
  rowsPerFlush: number;
}

/** `NAME:KEY=VALUE,KEY=VALUE` (`NAME:` alone: the run's own environment). */
export function parseVariant(spec: string): WorkerVariant {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new Error(`--compare takes NAME:KEY=VALUE[,KEY=VALUE…], not "${spec}"`);
  const pairs = spec.slice(colon + 1);
  return { name: spec.slice(0, colon), env: envPairs(pairs ? pairs.split(',') : []) };
}

/**
 * Runs `reps` alternating `/jobs` measurements of the two variants and prints each repetition, a table and
 * the first ÷ second texts/s ratio per repetition. Returns that ratio's median and the result cache's hits.
 */
export async function compareWorkerVariants(
  stack: Stack,
  opts: { variants: [WorkerVariant, WorkerVariant]; texts: TextSource; jobTexts: number; reps: number; workerEnv: Record<string, string> },
): Promise<{ medianRatio: number; cacheHits: number }> {
  const [first, second] = opts.variants;
  const runs = new Map<string, Run[]>(opts.variants.map((v) => [v.name, []]));
  const since = new Date();
  for (let r = 0; r < opts.reps; r++) {
    for (const variant of r % 2 === 0 ? [first, second] : [second, first]) {
      const metricsUrl = `http://127.0.0.1:${await freePort()}/metrics`;
      await replaceWorkers(stack, 1, { ...opts.workerEnv, ...variant.env, METRICS_PORT: new URL(metricsUrl).port });
      await bulkJobs(stack.url, opts.texts.take(500)); // warm-up: model threads, pool, statement plans
      const flushesBefore = await flushCounts(metricsUrl);
      const before = await cpuSnapshot(stack);
      const jobTexts = opts.texts.take(opts.jobTexts);
      const textsPerS = await bulkJobs(stack.url, jobTexts);
      const cpu = cpuPerItem(before, await cpuSnapshot(stack), jobTexts.length);
      const flushes = await flushCounts(metricsUrl);
      const rowsPerFlush = (flushes.rows - flushesBefore.rows) / (flushes.flushes - flushesBefore.flushes);
      const workerMs = cpu['worker event loop']! + cpu['worker other threads']!;
      runs.get(variant.name)!.push({ textsPerS, workerLoopMs: cpu['worker event loop']!, workerMs, postgresMs: cpu['postgres: this stack']!, rowsPerFlush });
      console.log(
        `rep ${r + 1} ${variant.name.padEnd(12)} /jobs ${fmt(textsPerS, 0)} texts/s, worker CPU ${fmt(workerMs, 3)} ms/text (event loop ${fmt(cpu['worker event loop']!, 3)}), ${fmt(rowsPerFlush, 0)} rows per flush`,
      );
    }
  }
  const { cacheHits } = await batchStats(stack, since);
  const rows: Array<[string, (r: Run) => number, number]> = [
    [`/jobs (${opts.jobTexts} texts) texts/s`, (r) => r.textsPerS, 0],
    ['worker event loop CPU ms/text', (r) => r.workerLoopMs, 3],
    ['worker CPU ms/text (all threads)', (r) => r.workerMs, 3],
    ['Postgres CPU ms/text', (r) => r.postgresMs, 3],
    ['rows per flush', (r) => r.rowsPerFlush, 0],
  ];
  console.log('');
  printTable(
    ['', ...runs.get(first.name)!.map((_, i) => `rep ${i + 1}`), 'median'],
    rows.flatMap(([label, pick, digits]) =>
      opts.variants.map((v) => {
        const values = runs.get(v.name)!.map(pick);
        return [`${label}, ${v.name}`, ...values.map((x) => fmt(x, digits)), fmt(median(values), digits)];
      }),
    ),
  );
  const ratios = runs.get(first.name)!.map((u, i) => u.textsPerS / runs.get(second.name)![i]!.textsPerS);
  console.log(`\n${first.name} ÷ ${second.name}, /jobs texts/s per repetition: ${ratios.map((x) => fmt(x, 3)).join(', ')}; median ${fmt(median(ratios), 3)}`);
  console.log(cacheHits > 0 ? `INVALID: ${cacheHits} predictions came from the result cache` : 'cache hits: 0 (every prediction ran the model)');
  return { medianRatio: median(ratios), cacheHits };
}

/** Rows written and flushes made so far, from the worker's Prometheus metrics (every label summed). */
async function flushCounts(metricsUrl: string): Promise<{ rows: number; flushes: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const sum = (metric: string) =>
    [...text.matchAll(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((total, m) => total + Number(m[1]), 0);
  return { rows: sum('sentiment_db_rows_written_total'), flushes: sum('sentiment_db_flush_duration_seconds_count') };
}
