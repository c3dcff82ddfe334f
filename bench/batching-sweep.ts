// npm run bench:sweep [-- --model shipped|heavy] — /predict at concurrency 64 over a grid of the worker's
// MAX_BATCH_SIZE × MAX_BATCH_WAIT_MS, against forced batch size 1. See docs/benchmarks.md.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchStack } from './stack.js';
import { batchStats, envPairs, fmt, numberList, predictLoad, printTable, replaceWorkers, type LoadResult } from './load.js';
import { parseModelKind, resolveModel, sizes } from './models.js';
import { median, TextSource, textSourceName } from './texts.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    sizes: { type: 'string' },
    waits: { type: 'string', default: '0,5,20' },
    concurrency: { type: 'string', default: '64' },
    reps: { type: 'string', default: '1' },
    scale: { type: 'string', default: '1' },
    threads: { type: 'string' },
    'heavy-dir': { type: 'string' },
    'worker-env': { type: 'string', multiple: true },
  },
});
const model = resolveModel(parseModelKind(args.model), args['heavy-dir']);
const size = sizes(model.kind, Number(args.scale));
const requests = Math.round(size.c64Requests / 2);
const concurrency = Number(args.concurrency);
const reps = Number(args.reps);
const threads = Number(args.threads ?? os.availableParallelism());
const base = { MODEL_DIR: model.dir, INFERENCE_THREADS: String(threads), LOG_LEVEL: 'warn', ...envPairs(args['worker-env']) };
// Past 64 texts nothing more is waiting at concurrency 64; the heavy model's batches are worth probing finer.
const batchSizes = numberList(args.sizes ?? (model.kind === 'heavy' ? '1,4,16,64' : '1,8,32,128'));
// Batch size 1 ignores the wait: one cell for it, then every size × wait.
const cells = batchSizes.flatMap((s) => (s === 1 ? [{ size: 1, wait: 0 }] : numberList(args.waits).map((wait) => ({ size: s, wait }))));
const texts = new TextSource();
console.log(`texts: ${textSourceName()}; cache hits are counted from the rows`);

console.log(`machine: ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`model: ${model.kind} (${model.dir}); worker: 1 process × ${threads} inference threads; /predict at concurrency ${concurrency}, ${requests} requests per cell × ${reps}\n`);

interface Cell {
  size: number;
  wait: number;
  load: LoadResult;
  meanBatch: number;
  busy: number;
}

const stack = await startBenchStack('sweep', { workerEnv: { ...base, MAX_BATCH_SIZE: String(cells[0]!.size), MAX_BATCH_WAIT_MS: String(cells[0]!.wait) }, apiEnv: { LOG_LEVEL: 'warn', SYNC_TIMEOUT_MS: '30000' } });
try {
  const results: Cell[] = [];
  for (const [i, cell] of cells.entries()) {
    if (i > 0) await replaceWorkers(stack, 1, { ...base, MAX_BATCH_SIZE: String(cell.size), MAX_BATCH_WAIT_MS: String(cell.wait) });
    await predictLoad(stack.url, concurrency, texts.take(size.warmup));
    const runs: Cell[] = [];
    for (let r = 0; r < reps; r++) {
      const since = new Date();
      const load = await predictLoad(stack.url, concurrency, texts.take(requests));
      const stats = await batchStats(stack, since);
      if (stats.cacheHits > 0) console.log(`INVALID cell ${cell.size}/${cell.wait}: ${stats.cacheHits} predictions came from the result cache`);
      runs.push({ ...cell, load, meanBatch: stats.meanSize, busy: stats.modelMs / (threads * load.seconds * 1000) });
    }
    // The repetition with the median throughput stands for the cell (its latencies go with it).
    const mid = [...runs].sort((a, b) => a.load.rps - b.load.rps)[Math.floor(runs.length / 2)]!;
    results.push(mid);
    console.log(`MAX_BATCH_SIZE=${cell.size} MAX_BATCH_WAIT_MS=${cell.wait}: ${fmt(mid.load.rps)} req/s, p50 ${fmt(mid.load.p50)} ms, p99 ${fmt(mid.load.p99)} ms (runs: ${runs.map((r) => fmt(r.load.rps)).join(', ')})`);
  }

  const single = results.find((r) => r.size === 1)?.load.rps ?? NaN;
  console.log('');
  printTable(
    ['MAX_BATCH_SIZE', 'MAX_BATCH_WAIT_MS', 'req/s', 'p50 ms', 'p99 ms', 'non-200', 'mean batch', 'model busy %', '× batch 1'],
    results.map((r) => [r.size, r.wait, fmt(r.load.rps), fmt(r.load.p50), fmt(r.load.p99), r.load.failures, fmt(r.meanBatch), fmt(r.busy * 100, 0), fmt(r.load.rps / single, 2)]),
  );
  const best = results.reduce((a, b) => (b.load.rps > a.load.rps ? b : a));
  const ratio = best.load.rps / single;
  console.log(`\nbest: MAX_BATCH_SIZE=${best.size} MAX_BATCH_WAIT_MS=${best.wait}, ${fmt(ratio, 2)}× forced batch size 1` +
    (model.kind === 'heavy' ? ` (target ≥ 3×: ${ratio >= 3 ? 'meets' : 'BELOW target'})` : ''));
  console.log(`median over the grid: ${fmt(median(results.map((r) => r.load.rps)))} req/s`);
} finally {
  await stack.stop();
}
