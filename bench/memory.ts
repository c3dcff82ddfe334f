// npx tsx bench/memory.ts [-- --threads N] [--worker-env KEY=VALUE]… [--api-env KEY=VALUE]… — resident memory (RSS, from /proc)
// of the API and the worker processes, idle and at saturation, with the shipped model. See docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchStack } from './stack.js';
import { bulkJobs, envPairs, fmt, predictLoad, printTable, reportCacheHits } from './load.js';
import { TextSource, textSourceName } from './texts.js';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    'worker-env': { type: 'string', multiple: true },
    'api-env': { type: 'string', multiple: true },
  },
});
const workerEnv = { INFERENCE_THREADS: args.threads, LOG_LEVEL: 'warn', METRICS_PORT: '0', ...envPairs(args['worker-env']) };
const apiEnv = { LOG_LEVEL: 'warn', ...envPairs(args['api-env']) };

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Peak RSS of each pid while `work` runs (sampled every 50 ms), and the last sample. */
async function during(pids: number[], work: () => Promise<unknown>): Promise<{ peak: number[]; last: number[] }> {
  const peak = pids.map(rssMiB);
  const sample = () => pids.forEach((pid, i) => (peak[i] = Math.max(peak[i]!, rssMiB(pid))));
  const timer = setInterval(sample, 50);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  sample();
  return { peak, last: pids.map(rssMiB) };
}

/** Texts of made-up words: every word is new, so each thread's word memo fills up (its worst case). */
function unseenWordTexts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: 20 }, (_, k) => `${((i * 20 + k) * 7919).toString(36)}ing`).join(' '));
}

console.log(`machine: ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`worker env: ${Object.entries(workerEnv).map(([k, v]) => `${k}=${v}`).join(' ')}`);
console.log(`api env: ${Object.entries(apiEnv).map(([k, v]) => `${k}=${v}`).join(' ')}`);
console.log(`texts: ${textSourceName()}\n`);
const stack = await startBenchStack('memory', { workerEnv, apiEnv });
try {
  const pids = [stack.api.child.pid!, stack.workers[0]!.child.pid!];
  await new Promise((resolve) => setTimeout(resolve, 3000)); // startup garbage settles
  const idle = await during(pids, () => new Promise((resolve) => setTimeout(resolve, 2000)));
  const texts = new TextSource();
  const since = new Date();
  const jobs = await during(pids, () => bulkJobs(stack.url, texts.take(10_000)));
  const predict = await during(pids, () => predictLoad(stack.url, 64, texts.take(5_000)));
  const unseen = await during(pids, () => bulkJobs(stack.url, unseenWordTexts(10_000)));
  const afterwards = await during(pids, () => new Promise((resolve) => setTimeout(resolve, 2000)));
  printTable(
    ['RSS, MiB', 'api', 'worker'],
    [
      ['idle (peak of 2 s)', ...idle.peak.map((x) => fmt(x, 0))],
      ['/jobs, 10,000 texts (peak)', ...jobs.peak.map((x) => fmt(x, 0))],
      ['/predict, 64 clients (peak)', ...predict.peak.map((x) => fmt(x, 0))],
      ['/jobs, 10,000 texts of unseen words (peak)', ...unseen.peak.map((x) => fmt(x, 0))],
      ['idle again (peak of 2 s)', ...afterwards.peak.map((x) => fmt(x, 0))],
    ],
  );
  await reportCacheHits(stack, since);
} finally {
  await stack.stop();
}
