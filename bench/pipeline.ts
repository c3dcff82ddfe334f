// npm run bench:pipeline — the pipeline's throughput and latency next to the model's own speed, in one run.
import os from 'node:os';
import { createThreadedClassifier, defaultModelDir } from '@sentiment/model';
import { getJson, postJson, startStack } from '../test/support/stack.js';
import { waitFor } from '../test/support/processes.js';
import { benchTexts, median, percentile } from './texts.js';

const threads = Number(process.env.INFERENCE_THREADS ?? os.availableParallelism());
const batchSize = Number(process.env.MAX_BATCH_SIZE ?? 32);
const f = (x: number, d = 1) => x.toFixed(d);

async function modelOnly() {
  const classifier = await createThreadedClassifier({ modelDir: defaultModelDir, threads, intraOpThreads: 1 });
  const texts = benchTexts(10_000);
  await classifier.predict(texts.slice(0, 64)); // warm-up
  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += batchSize) batches.push(texts.slice(i, i + batchSize));
  const start = performance.now();
  let next = 0;
  // Keep one batch in flight per thread, as the worker's batcher does.
  await Promise.all(
    Array.from({ length: threads }, async () => {
      while (next < batches.length) await classifier.predict(batches[next++]!);
    }),
  );
  const textsPerS = texts.length / ((performance.now() - start) / 1000);
  const single: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await classifier.predict([texts[i]!]);
    single.push(performance.now() - t);
  }
  await classifier.close();
  return { textsPerS, singleMs: median(single) };
}

async function predictLoad(url: string, concurrency: number, requests: number) {
  const texts = benchTexts(requests);
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const text = texts[next++]!;
        const t = performance.now();
        const res = await postJson(`${url}/predict`, { text });
        if (res.status !== 200) failures++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: requests / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), failures };
}

async function bulkJob(url: string, n: number) {
  const texts = benchTexts(n);
  const start = Date.now();
  const { body } = await postJson(`${url}/jobs`, { texts });
  // Poll like a client would; the job's own finished_at (set when its last rows are written) ends the clock.
  const done = await waitFor('the bulk job', async () => {
    const s = await getJson(`${url}${body.status_url}`);
    return s.body.status === 'completed' || s.body.status === 'failed' ? s.body : undefined;
  }, { timeoutMs: 600_000, intervalMs: 100 });
  if (done.status !== 'completed') throw new Error(`bulk job ${done.status}: ${JSON.stringify(done.error)}`);
  return n / ((Date.parse(done.finished_at) - start) / 1000);
}

console.log(`machine: ${os.availableParallelism()} cores; worker: 1 process × ${threads} inference threads, MAX_BATCH_SIZE=${batchSize}`);
const model = await modelOnly();
console.log(`model only (tokenize + run, batch ${batchSize}, ${threads} threads): ${f(model.textsPerS, 0)} texts/s; one text: ${f(model.singleMs, 2)} ms (median)`);

const stack = await startStack('bench', { workerEnv: { INFERENCE_THREADS: String(threads), LOG_LEVEL: 'warn' }, apiEnv: { LOG_LEVEL: 'warn' } });
try {
  await predictLoad(stack.url, 8, 200); // warm-up
  console.log('\nPOST /predict       req/s     p50 ms   p95 ms   p99 ms   non-200');
  const rows: Record<number, Awaited<ReturnType<typeof predictLoad>>> = {};
  for (const [c, n] of [[1, 300], [8, 1500], [64, 4000]] as const) {
    const r = (rows[c] = await predictLoad(stack.url, c, n));
    console.log(`  concurrency ${String(c).padEnd(3)}  ${f(r.rps).padStart(8)} ${f(r.p50, 2).padStart(8)} ${f(r.p95, 2).padStart(8)} ${f(r.p99, 2).padStart(8)}   ${r.failures}`);
  }
  const runs = [await bulkJob(stack.url, 10_000), await bulkJob(stack.url, 10_000), await bulkJob(stack.url, 10_000)];
  const bulk = median(runs);
  console.log(`\nPOST /jobs 10,000 texts: ${f(bulk, 0)} texts/s (median of ${runs.map((r) => f(r, 0)).join(', ')})`);
  console.log('\nsummary');
  console.log(`  /jobs texts/s ÷ model-only texts/s: ${f(bulk / model.textsPerS, 2)}`);
  console.log(`  /predict p50 at concurrency 1 − model time for one text: ${f(rows[1]!.p50 - model.singleMs, 2)} ms`);
  console.log(`  /predict at concurrency 64: ${f(rows[64]!.rps, 0)} req/s`);
} finally {
  await stack.stop();
}
