// bench:pipeline --writers: /jobs end to end with each prediction writer (DB_WRITER), in one run.
// The stack's worker is replaced for every measurement, writers alternating (and their order flipping
// each repetition), so drifting machine load hits both alike.
import { freePort, type Stack } from '../test/support/stack.js';
import { cpuPerItem, cpuSnapshot } from './cpu.js';
import { batchStats, bulkJobs, fmt, printTable, replaceWorkers } from './load.js';
import { median, type TextSource } from './texts.js';

const WRITERS = ['unit-of-work', 'sql'] as const;
type Writer = (typeof WRITERS)[number];

interface Run {
  textsPerS: number;
  /**
   * CPU ms per text: the worker's event loop, the whole worker (every thread: the same inference for
   * both writers, plus the writer's own thread) and the stack's Postgres backends.
   */
  workerLoopMs: number;
  workerMs: number;
  postgresMs: number;
  /** Rows per flush of the job, from the worker's /metrics. */
  rowsPerFlush: number;
}

export async function compareWriters(stack: Stack, opts: { texts: TextSource; jobTexts: number; reps: number; workerEnv: Record<string, string> }): Promise<void> {
  const runs: Record<Writer, Run[]> = { 'unit-of-work': [], sql: [] };
  const since = new Date();
  for (let r = 0; r < opts.reps; r++) {
    for (const writer of r % 2 === 0 ? WRITERS : [...WRITERS].reverse()) {
      const metricsUrl = `http://127.0.0.1:${await freePort()}/metrics`;
      await replaceWorkers(stack, 1, { ...opts.workerEnv, DB_WRITER: writer, METRICS_PORT: new URL(metricsUrl).port });
      await bulkJobs(stack.url, opts.texts.take(500)); // warm-up: model threads, pool, statement plans
      const flushesBefore = await flushCounts(metricsUrl);
      const before = await cpuSnapshot(stack);
      const jobTexts = opts.texts.take(opts.jobTexts);
      const textsPerS = await bulkJobs(stack.url, jobTexts);
      const cpu = cpuPerItem(before, await cpuSnapshot(stack), jobTexts.length);
      const flushes = await flushCounts(metricsUrl);
      const rowsPerFlush = (flushes.rows - flushesBefore.rows) / (flushes.flushes - flushesBefore.flushes);
      const workerMs = cpu['worker event loop']! + cpu['worker other threads']!;
      runs[writer].push({ textsPerS, workerLoopMs: cpu['worker event loop']!, workerMs, postgresMs: cpu['postgres: this stack']!, rowsPerFlush });
      console.log(
        `rep ${r + 1} ${writer.padEnd(12)} /jobs ${fmt(textsPerS, 0)} texts/s, worker CPU ${fmt(workerMs, 3)} ms/text (event loop ${fmt(cpu['worker event loop']!, 3)}), ${fmt(rowsPerFlush, 0)} rows per flush`,
      );
    }
  }
  const { cacheHits } = await batchStats(stack, since);
  const med = (w: Writer, pick: (r: Run) => number) => median(runs[w].map(pick));
  const col = (w: Writer, pick: (r: Run) => number, digits: number) => [...runs[w].map((r) => fmt(pick(r), digits)), fmt(med(w, pick), digits)];
  console.log('');
  printTable(
    ['', ...runs['unit-of-work'].map((_, i) => `rep ${i + 1}`), 'median'],
    [
      [`/jobs (${opts.jobTexts} texts) texts/s, unit of work`, ...col('unit-of-work', (r) => r.textsPerS, 0)],
      [`/jobs (${opts.jobTexts} texts) texts/s, sql`, ...col('sql', (r) => r.textsPerS, 0)],
      ['worker event loop CPU ms/text, unit of work', ...col('unit-of-work', (r) => r.workerLoopMs, 3)],
      ['worker event loop CPU ms/text, sql', ...col('sql', (r) => r.workerLoopMs, 3)],
      ['worker CPU ms/text (all threads), unit of work', ...col('unit-of-work', (r) => r.workerMs, 3)],
      ['worker CPU ms/text (all threads), sql', ...col('sql', (r) => r.workerMs, 3)],
      ['Postgres CPU ms/text, unit of work', ...col('unit-of-work', (r) => r.postgresMs, 3)],
      ['Postgres CPU ms/text, sql', ...col('sql', (r) => r.postgresMs, 3)],
      ['rows per flush, unit of work', ...col('unit-of-work', (r) => r.rowsPerFlush, 0)],
      ['rows per flush, sql', ...col('sql', (r) => r.rowsPerFlush, 0)],
    ],
  );
  const ratios = runs['unit-of-work'].map((u, i) => u.textsPerS / runs.sql[i]!.textsPerS);
  const cost = 1 - median(ratios);
  console.log(
    `\nunit of work ÷ sql, /jobs texts/s per repetition: ${ratios.map((x) => fmt(x, 3)).join(', ')}; median ${fmt(median(ratios), 3)} ` +
      `→ the unit of work costs ${fmt(cost * 100, 1)} % of /jobs throughput (target ≤ 15 %: ${cacheHits > 0 ? 'INVALID (cache hits)' : cost <= 0.15 ? 'met' : 'NOT met'})`,
  );
  console.log(cacheHits > 0 ? `INVALID: ${cacheHits} predictions came from the result cache` : 'cache hits: 0 (every prediction ran the model)');
}

/** Rows written and flushes made so far, from the worker's Prometheus metrics (every label summed). */
async function flushCounts(metricsUrl: string): Promise<{ rows: number; flushes: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const sum = (metric: string) =>
    [...text.matchAll(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((total, m) => total + Number(m[1]), 0);
  return { rows: sum('sentiment_db_rows_written_total'), flushes: sum('sentiment_db_flush_duration_seconds_count') };
}
