// npm run bench:naive [-- --model shipped|heavy] — the naive in-process server (bench/naive/server.ts) next
// to the pipeline (API → queue → worker → Postgres) on the same model, at concurrency 1 and 64.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startApp, waitFor } from '../../test/support/processes.js';
import { freePort, TEST_DATABASE_URL } from '../../test/support/stack.js';
import { startBenchStack } from '../stack.js';
import { envPairs, fmt, predictLoad, printTable, reportCacheHits, type LoadResult } from '../load.js';
import { parseModelKind, resolveModel, sizes } from '../models.js';
import { median, TextSource, textSourceName } from '../texts.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    reps: { type: 'string', default: '3' },
    scale: { type: 'string', default: '1' },
    'naive-intra-op': { type: 'string' },
    'heavy-dir': { type: 'string' },
    'worker-env': { type: 'string', multiple: true },
  },
});
const model = resolveModel(parseModelKind(args.model), args['heavy-dir']);
const size = sizes(model.kind, Number(args.scale));
const reps = Number(args.reps);
const naiveIntraOp = args['naive-intra-op'] ?? String(os.availableParallelism());
const requests: Record<number, number> = { 1: size.c1Requests, 64: Math.round(size.c64Requests / 2) };
const texts = new TextSource();
console.log(`texts: ${textSourceName()}`);

console.log(`machine: ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`model: ${model.kind} (${model.dir})`);
console.log(`naive: 1 Express process, model in-process (${naiveIntraOp} intra-op threads), one INSERT per prediction`);
console.log(`pipeline: API + 1 worker (${os.availableParallelism()} inference threads, micro-batching, group commit); both write to the same table\n`);

const stack = await startBenchStack('naive', {
  workerEnv: { MODEL_DIR: model.dir, LOG_LEVEL: 'warn', INFERENCE_THREADS: String(os.availableParallelism()), ...envPairs(args['worker-env']) },
  apiEnv: { LOG_LEVEL: 'warn', SYNC_TIMEOUT_MS: '30000' },
});
const port = await freePort();
const naive = startApp('naive', 'bench/naive/server.ts', {
  PORT: String(port),
  MODEL_DIR: model.dir,
  DATABASE_URL: TEST_DATABASE_URL,
  DATABASE_SCHEMA: stack.schema,
  INTRA_OP_THREADS: naiveIntraOp,
});
const naiveUrl = `http://127.0.0.1:${port}`;
try {
  await waitFor(`the naive server\n${naive.output()}`, async () => (await fetch(`${naiveUrl}/health`)).ok, { timeoutMs: 90_000 });
  for (const url of [naiveUrl, stack.url]) await predictLoad(url, 8, texts.take(size.warmup));

  const since = new Date();
  const rows: (string | number)[][] = [];
  const summary: Record<number, { naive: LoadResult; pipeline: LoadResult }> = {};
  for (const c of [1, 64]) {
    const runs = { naive: [] as LoadResult[], pipeline: [] as LoadResult[] };
    for (let r = 0; r < reps; r++) {
      // Alternate which goes first, so a drift in the machine's load hits both alike.
      const order = r % 2 === 0 ? (['naive', 'pipeline'] as const) : (['pipeline', 'naive'] as const);
      for (const who of order) runs[who].push(await predictLoad(who === 'naive' ? naiveUrl : stack.url, c, texts.take(requests[c]!)));
      console.log(`c${c} rep ${r + 1}: naive ${fmt(runs.naive.at(-1)!.rps)} req/s, pipeline ${fmt(runs.pipeline.at(-1)!.rps)} req/s`);
    }
    const med = (xs: LoadResult[]): LoadResult => ({
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p95: median(xs.map((x) => x.p95)),
      p99: median(xs.map((x) => x.p99)),
      failures: xs.reduce((n, x) => n + x.failures, 0),
      seconds: xs.reduce((n, x) => n + x.seconds, 0),
    });
    summary[c] = { naive: med(runs.naive), pipeline: med(runs.pipeline) };
    for (const who of ['naive', 'pipeline'] as const) {
      const m = summary[c]![who];
      rows.push([`concurrency ${c}`, who, fmt(m.rps), fmt(m.p50, 2), fmt(m.p99, 2), m.failures]);
    }
  }
  console.log(`\nmedians of ${reps} repetitions (${requests[1]} requests at c1, ${requests[64]} at c64, per repetition)`);
  printTable(['', 'server', 'req/s', 'p50 ms', 'p99 ms', 'non-200'], rows);

  // The naive server has no cache; a pipeline figure the cache helped would not compare like for like.
  const hits = await reportCacheHits(stack, since);
  const c1 = summary[1]!;
  const c64 = summary[64]!;
  const gain = c64.pipeline.rps / c64.naive.rps;
  const c1Extra = c1.pipeline.p50 - c1.naive.p50;
  console.log('\nsummary');
  console.log(`  c64 pipeline ÷ naive req/s: ${fmt(gain, 2)}×; p99 ${fmt(c64.pipeline.p99)} vs ${fmt(c64.naive.p99)} ms` +
    (model.kind === 'heavy' ? `   target ≥ 3× with p99 no worse: ${hits > 0 ? 'INVALID (cache hits)' : gain >= 3 && c64.pipeline.p99 <= c64.naive.p99 ? 'meets' : 'BELOW target'}` : ''));
  console.log(`  c1 pipeline p50 − naive p50: ${fmt(c1Extra, 2)} ms; req/s ratio ${fmt(c1.pipeline.rps / c1.naive.rps, 2)}×` +
    (model.kind === 'shipped' ? `   target ≤ 3 ms: ${hits > 0 ? 'INVALID (cache hits)' : c1Extra <= 3 ? 'meets' : 'BELOW target'}` : ''));
} finally {
  await naive.stop();
  await stack.stop();
}
