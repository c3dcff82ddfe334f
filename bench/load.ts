// Load generators and measurements shared by the benchmarks: closed-loop /predict clients, bulk /jobs,
// the model on its own, and what the worker's rows say about its micro-batches.
import http from 'node:http';
import { Queue } from 'bullmq';
import { createThreadedClassifier } from '@sentiment/model';
import { getJson, postJson, TEST_REDIS_URL, type Stack } from '../test/support/stack.js';
import { waitFor } from '../test/support/processes.js';
import { median, percentile } from './texts.js';

export interface LoadResult {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Answers other than 200 (202 = the sync wait ran out, 4xx/5xx, network errors). */
  failures: number;
  seconds: number;
}

/** GETs `target`; resolves with the status once the whole answer has arrived. */
export function getStatus(agent: http.Agent, target: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: target.hostname, port: target.port, path: target.pathname, agent }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      })
      .once('error', reject);
  });
}

/** POSTs a JSON body; resolves with the status once the whole answer has arrived. */
function postStatus(agent: http.Agent, target: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/**
 * `concurrency` clients, each sending its next text as soon as the previous answer arrives. Uses node:http
 * with keep-alive rather than fetch: on 2 cores the load generator shares the CPU with the system under
 * test, and fetch (undici) costs more CPU per request.
 */
export async function predictLoad(url: string, concurrency: number, texts: string[], path = '/predict'): Promise<LoadResult> {
  const target = new URL(path, url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, texts.length) }, async () => {
      while (next < texts.length) {
        const body = JSON.stringify({ text: texts[next++]! });
        const t = performance.now();
        try {
          if ((await postStatus(agent, target, body)) !== 200) failures++;
        } catch {
          failures++;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: texts.length / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), failures, seconds };
}

const MAX_JOB_TEXTS = 10_000;

/**
 * Submits `texts` as `jobs` /jobs (at least enough for 10,000 texts each), all at once; texts/s from the
 * first POST to the last finished_at. One job runs on one worker process: several workers need several jobs.
 */
export async function bulkJobs(url: string, texts: string[], jobs = 1): Promise<number> {
  const start = Date.now();
  const per = Math.min(MAX_JOB_TEXTS, Math.ceil(texts.length / jobs));
  const slices: string[][] = [];
  for (let i = 0; i < texts.length; i += per) slices.push(texts.slice(i, i + per));
  const finished = await Promise.all(
    slices.map(async (slice) => {
      const { status, body } = await postJson(`${url}/jobs`, { texts: slice });
      if (status !== 202) throw new Error(`POST /jobs answered ${status}: ${JSON.stringify(body)}`);
      // Poll like a client would; the job's own finished_at (set when its last rows are written) ends the
      // clock, so polling seldom costs no accuracy, and frequent polls would take CPU from the stack.
      const done = await waitFor(
        'a bulk job',
        async () => {
          const s = await getJson(`${url}${body.status_url}`);
          return s.body.status === 'completed' || s.body.status === 'failed' ? s.body : undefined;
        },
        { timeoutMs: 900_000, intervalMs: 500 },
      );
      if (done.status !== 'completed') throw new Error(`bulk job ${done.status}: ${JSON.stringify(done.error)}`);
      return Date.parse(done.finished_at);
    }),
  );
  return texts.length / ((Math.max(...finished) - start) / 1000);
}

export interface ModelOnlyOptions {
  modelDir: string;
  threads: number;
  intraOpThreads?: number;
  batchSize: number;
}

export interface ModelOnly {
  /**
   * Texts/s over `texts`, cut into batches of batchSize, one batch in flight per thread (as the worker's
   * batcher keeps them). With `sortWindow` > 1, each run of that many batches is first sorted by text
   * length, as the worker's batcher does under a backlog (BATCH_SORT_WINDOW).
   */
  throughput(texts: string[], sortWindow?: number): Promise<number>;
  /** Median wall time of predict([text]) over `texts`, one at a time. */
  singleMs(texts: string[]): Promise<number>;
  close(): Promise<void>;
}

/** The model alone, the way the worker runs it: createThreadedClassifier (tokenize + ONNX in worker threads). */
export async function openModelOnly({ modelDir, threads, intraOpThreads = 1, batchSize }: ModelOnlyOptions): Promise<ModelOnly> {
  const classifier = await createThreadedClassifier({ modelDir, threads, intraOpThreads, maxBatchSize: batchSize });
  return {
    async throughput(texts, sortWindow = 1) {
      if (sortWindow > 1) texts = lengthSortedWindows(texts, batchSize * sortWindow);
      const batches: string[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) batches.push(texts.slice(i, i + batchSize));
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: threads }, async () => {
          while (next < batches.length) await classifier.predict(batches[next++]!);
        }),
      );
      return texts.length / ((performance.now() - start) / 1000);
    },
    async singleMs(texts) {
      const times: number[] = [];
      for (const text of texts) {
        const t = performance.now();
        await classifier.predict([text]);
        times.push(performance.now() - t);
      }
      return median(times);
    },
    close: () => classifier.close(),
  };
}

function lengthSortedWindows(texts: string[], window: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < texts.length; i += window) out.push(...texts.slice(i, i + window).sort((a, b) => a.length - b.length));
  return out;
}

export interface QueueTimeline {
  jobs: number;
  /** Mean time from the job's add to a worker taking it, ms. */
  waitMs: number;
  /** Mean time from a worker taking it to its completion (cache lookup, model, rows written, reply sent), ms. */
  workMs: number;
}

/**
 * Where the (at most `atMost`) jobs completed since `since` spent their time, from BullMQ's own timestamps (whole ms each,
 * so only means over many jobs are meaningful).
 */
export async function queueTimeline(stack: Stack, since: number, atMost: number): Promise<QueueTimeline> {
  const queue = new Queue(stack.defaultQueue, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
  try {
    // Newest first: the phase that just ended.
    const jobs = (await queue.getJobs(['completed'], 0, atMost - 1)).filter((j) => j.timestamp >= since && j.processedOn && j.finishedOn);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
    return { jobs: jobs.length, waitMs: mean(jobs.map((j) => j.processedOn! - j.timestamp)), workMs: mean(jobs.map((j) => j.finishedOn! - j.processedOn!)) };
  } finally {
    await queue.close();
  }
}

export interface BatchStats {
  /** Micro-batches the model ran (rows answered by the cache are left out). */
  batches: number;
  meanSize: number;
  /** Sum of the batches' model wall times, ms. */
  modelMs: number;
  /** Rows answered by the result cache: a throughput figure with any is not the model path's. */
  cacheHits: number;
}

/**
 * Micro-batches since `since`, read back from the rows: every row of one batch carries the batch's
 * timestamp and model wall time (latency_ms), so grouping by both recovers the batches.
 */
export async function batchStats(stack: Stack, since: Date): Promise<BatchStats> {
  const [row] = await stack.sql<{ batches: number; mean_size: number | null; model_ms: number | null }>(
    `select count(*)::int as batches, avg(n)::float8 as mean_size, sum(lat)::float8 as model_ms
       from (select count(*) as n, max(latency_ms) as lat from {schema}.predictions
              where "timestamp" >= ? and not cache_hit group by "timestamp", latency_ms) b`,
    [since],
  );
  const [hits] = await stack.sql<{ n: number }>('select count(*)::int as n from {schema}.predictions where "timestamp" >= ? and cache_hit', [since]);
  return { batches: row!.batches, meanSize: row!.mean_size ?? 0, modelMs: row!.model_ms ?? 0, cacheHits: hits!.n };
}

/** Prints how many predictions since `since` the result cache answered: any makes the figures the cache's, not the model's. */
export async function reportCacheHits(stack: Stack, since: Date): Promise<number> {
  const { cacheHits } = await batchStats(stack, since);
  console.log(cacheHits > 0 ? `INVALID: ${cacheHits} predictions came from the result cache; the figures above are not the model path's` : 'cache hits: 0 (every prediction ran the model)');
  return cacheHits;
}

/** `--worker-env KEY=VALUE` flags as an env object. */
export function envPairs(pairs: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--worker-env takes KEY=VALUE, not "${pair}"`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

export const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/** Prints rows as an aligned table (first column left-aligned, the rest right-aligned). */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  for (const r of cells) console.log('  ' + r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('   '));
}

/** Stops the stack's workers and starts `count` new ones with `env`; resolves once the API sees them all. */
export async function replaceWorkers(stack: Stack, count: number, env: Record<string, string>): Promise<void> {
  await Promise.all(stack.workers.map((w) => w.stop()));
  const started = Array.from({ length: count }, () => stack.startWorker(env));
  try {
    await stack.waitReady(count);
  } catch (error) {
    console.error(started.map((w) => `--- ${w.name} (exit ${w.child.exitCode ?? w.child.signalCode ?? 'none'})\n${w.output().slice(-3000)}`).join('\n'));
    throw error;
  }
}

/** Comma-separated numbers (`--sizes 1,8,32`). */
export const numberList = (value: string) => value.split(',').map((v) => Number(v.trim()));
