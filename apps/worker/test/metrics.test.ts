import { basename } from 'node:path';
import { classifyJobOptions, JobName, MAINTENANCE_QUEUE, PERSIST_QUEUE, predictionQueueName } from '@sentiment/queue';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, type WorkerConfig } from '../src/config.js';
import type { ShutdownStep } from '../src/shutdown.js';
import { startWorker } from '../src/start.js';
import { TEST_MODEL_DIR, texts } from './support/model.js';
import { freePort, sample } from './support/prometheus.js';
import {
  createTestSchema,
  obliterateAll,
  redisConnection,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  testLogger,
  uniqueId,
  type TestSchema,
} from './support/services.js';

/** The model these jobs name (MODEL_DIR's folder name), and its queue. */
const MODEL = basename(TEST_MODEL_DIR);
const PREDICTION_QUEUE = predictionQueueName(MODEL);

type ErrorBody = { error: { code: string; message: string } };

describe('worker GET /metrics (a real worker: model, Redis, Postgres)', () => {
  const redis = redisConnection();
  const prefix = `test-worker-${uniqueId()}`;
  const shutdowns: ShutdownStep[][] = [];
  let db: TestSchema;
  let queue: Queue;
  let config: WorkerConfig;
  let base: string;

  beforeAll(async () => {
    db = await createTestSchema();
    const port = await freePort();
    config = loadConfig({
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: db.schema,
      QUEUE_PREFIX: prefix,
      MODEL_DIR: TEST_MODEL_DIR,
      INFERENCE_THREADS: '1',
      METRICS_PORT: String(port),
      LOG_LEVEL: 'silent',
    });
    base = `http://127.0.0.1:${port}`;
    queue = new Queue(PREDICTION_QUEUE, { connection: redis, prefix });
    shutdowns.push(await startWorker(config, testLogger));
  });
  afterAll(async () => {
    for (const steps of shutdowns) for (const [, run] of steps) await run();
    const queues = [PERSIST_QUEUE, MAINTENANCE_QUEUE].map((name) => new Queue(name, { connection: redis, prefix }));
    await obliterateAll([queue, ...queues]);
    const cached = await redis.keys(`${prefix}:cache:*`);
    if (cached.length > 0) await redis.del(...cached);
    await redis.quit();
    await db?.drop();
  });

  const scrape = async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  const classify = async (input: string[]) => {
    const job = await queue.add(JobName.classify, { texts: input, model: MODEL, source: 'batch' }, classifyJobOptions({ resultTtlS: 600 }));
    await vi.waitFor(async () => expect(await job.isCompleted()).toBe(true), { timeout: 30_000, interval: 50 });
  };

  it('after a classify job, shows micro-batch size, inference and flush times, rows written and the completed job', async () => {
    const before = await scrape();
    const completedBefore = sample(before, 'sentiment_worker_jobs_total', { queue: PREDICTION_QUEUE, result: 'completed' }) ?? 0;

    const input = texts(40, 'metrics');
    await classify(input);

    // The Worker's 'completed' event follows the job's state change by a moment.
    await vi.waitFor(async () => {
      const text = await scrape();
      expect(sample(text, 'sentiment_worker_jobs_total', { queue: PREDICTION_QUEUE, result: 'completed' })).toBe(completedBefore + 1);
    });
    const text = await scrape();
    expect(sample(text, 'sentiment_batch_size_count')).toBeGreaterThan(0);
    expect(sample(text, 'sentiment_batch_size_sum')).toBe(40); // every text went through the model once
    expect(sample(text, 'sentiment_inference_duration_seconds_count')).toBe(sample(text, 'sentiment_batch_size_count'));
    expect(sample(text, 'sentiment_inference_duration_seconds_sum')).toBeGreaterThan(0);
    expect(sample(text, 'sentiment_db_flush_duration_seconds_count', { path: 'batch' })).toBeGreaterThan(0);
    expect(sample(text, 'sentiment_db_rows_written_total', { path: 'batch' })).toBe(40);
    expect(sample(text, 'sentiment_db_flush_failures_total', { path: 'batch' })).toBe(0);
    expect(sample(text, 'sentiment_cache_lookups_total', { result: 'miss' })).toBe(40);
    // Series to alert on exist before the first thread dies (a healthy worker: none died).
    for (const thread of ['inference', 'writer']) for (const lane of ['bulk', 'interactive']) expect(sample(text, 'sentiment_thread_restarts_total', { thread, lane })).toBe(0);

    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeTypeOf('number');

    // BullMQ's own totals (read by the API's /metrics) are recorded too: the Worker runs with `metrics`.
    expect((await queue.getMetrics('completed', 0, 0)).meta.count).toBe(1);
  });

  it('counts cache hits: the same texts again skip the model', async () => {
    const input = texts(40, 'metrics');
    await classify(input);
    const text = await scrape();
    expect(sample(text, 'sentiment_cache_lookups_total', { result: 'hit' })).toBe(40);
    expect(sample(text, 'sentiment_batch_size_sum')).toBe(40); // unchanged: no text reached the model
  });

  it('serves /health, and a JSON error for anything else', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('not_found');
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(((await post.json()) as ErrorBody).error.code).toBe('method_not_allowed');
  });

  it('a second worker given the same METRICS_PORT still starts and works, without its own endpoint', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    shutdowns.push(await startWorker(config, logger));
    expect(warnings.join('')).toContain('METRICS_PORT is in use');
    await classify(texts(3, 'second'));
    expect((await fetch(`${base}/health`)).status).toBe(200); // still the first worker's server
  });
});

describe('METRICS_PORT', () => {
  it('defaults to 9464, takes 0 (no server), and reports a bad port with the other problems', () => {
    expect(loadConfig({}).metricsPort).toBe(9464);
    expect(loadConfig({ METRICS_PORT: '0' }).metricsPort).toBe(0);
    let error: unknown;
    try {
      loadConfig({ METRICS_PORT: '70000', MAX_BATCH_SIZE: 'lots' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ['METRICS_PORT', 'MAX_BATCH_SIZE']) expect((error as ConfigError).problems.join('\n')).toContain(name);
  });
});
