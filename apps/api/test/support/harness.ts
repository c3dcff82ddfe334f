import { randomBytes } from 'node:crypto';
import { Worker, type Processor } from 'bullmq';
import { pino, type Logger } from 'pino';
import type { Express } from 'express';
import { createAnalyticsRepository, initOrm, migrateUp, type AnalyticsRepository } from '@sentiment/db';
import { PREDICTION_QUEUE, predictionId, workInProgress, workKeys, type ClassifyJobData, type ClassifyJobResult } from '@sentiment/queue';
import { createApp } from '../../src/app.js';
import { createApiMetrics, type ApiMetricsOptions } from '../../src/metrics.js';
import type { AccessOptions } from '../../src/security/access.js';
import { rateLimitKeyPrefix } from '../../src/security/rate-limit.js';
import type { PredictionJobs } from '../../src/jobs/prediction-jobs.js';
import { createPredictionJobs } from '../../src/jobs/create-prediction-jobs.js';
import { createRedisHealth } from '../../src/redis-health.js';
import { createQueueClients, type QueueClients } from '../../src/queue-clients.js';

// Set by vitest.config.ts from test/support/services.ts, the one definition of the test services.
export const REDIS_URL = process.env.TEST_REDIS_URL!;
export const DATABASE_URL = process.env.TEST_DATABASE_URL!;
/** Nothing listens here: connections are refused at once. */
export const CLOSED_PORT = 1;

type Orm = Awaited<ReturnType<typeof initOrm>>;

export interface Harness {
  app: Express;
  prefix: string;
  /** The Postgres schema holding this harness's `prediction` table. */
  schema: string;
  clients: QueueClients;
  jobs: PredictionJobs;
  orm: Orm;
  analytics: AnalyticsRepository;
  /** A real BullMQ worker on this harness's queue; closed by `close()`. */
  startWorker(processor: Processor<ClassifyJobData, ClassifyJobResult>): Worker<ClassifyJobData, ClassifyJobResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  redisUrl?: string;
  /** Replace the analytics repository (e.g. one whose database is down). */
  analytics?: AnalyticsRepository;
  syncTimeoutMs?: number;
  bodyLimit?: string;
  /** Access control (default: open). `rateLimitPerMinute` uses this harness's Redis and prefix. */
  access?: Omit<AccessOptions, 'rateLimit'> & { rateLimitPerMinute?: number };
  /** Backpressure: refuse new work once this many texts wait (default: off). */
  maxQueueDepth?: number;
  /** How long the queue depth is cached (default: the app's own, 250 ms). */
  queueDepthCacheMs?: number;
  /** Default: silent. */
  logger?: Logger;
  /** Serve GET /metrics (as main.ts does) over the prediction and persist queues. Default: off. */
  metrics?: Pick<ApiMetricsOptions, 'queueStatsCacheMs'>;
}

export const silentLogger = pino({ level: 'silent' });

/** The API over real Redis (own queue prefix) and real Postgres (own migrated schema). */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const id = randomBytes(6).toString('hex');
  const prefix = `test-api-${id}`;
  const schema = `test_api_${id}`;

  const orm = await initOrm({ clientUrl: DATABASE_URL, schema, poolMax: 3 });
  await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
  await migrateUp(orm);
  const analytics = options.analytics ?? createAnalyticsRepository(orm);

  const clients = createQueueClients({ redisUrl: options.redisUrl ?? REDIS_URL, prefix, logger: silentLogger });
  if (!options.redisUrl) {
    // Requests before the first connection would (rightly) get 503s.
    await Promise.all([clients.predictionQueue.waitUntilReady(), clients.replies.ready()]);
  }
  const jobs = createPredictionJobs(clients, { resultTtlS: 3600 });
  const { rateLimitPerMinute = 0, ...access } = options.access ?? {};
  const app = createApp({
    jobs,
    analytics,
    redisHealth: createRedisHealth(clients.redis, prefix),
    boardQueues: [clients.predictionQueue, clients.persistQueue, clients.maintenanceQueue],
    logger: options.logger ?? silentLogger,
    syncTimeoutMs: options.syncTimeoutMs ?? 2000,
    bodyLimit: options.bodyLimit ?? '16mb',
    access: { ...access, rateLimit: { perMinute: rateLimitPerMinute, redis: clients.redis, prefix: rateLimitKeyPrefix(prefix) } },
    backpressure: { maxQueueDepth: options.maxQueueDepth ?? 0, queue: clients.predictionQueue, redis: clients.redis, cacheMs: options.queueDepthCacheMs },
    metrics: options.metrics && createApiMetrics({ ...options.metrics, queues: [clients.predictionQueue, clients.persistQueue], redis: clients.redis, logger: silentLogger }),
  });

  const workers: Worker<ClassifyJobData, ClassifyJobResult>[] = [];
  return {
    app,
    prefix,
    schema,
    clients,
    jobs,
    orm,
    analytics,
    startWorker(processor) {
      const worker = new Worker<ClassifyJobData, ClassifyJobResult>(PREDICTION_QUEUE, processor, {
        connection: { url: REDIS_URL, maxRetriesPerRequest: null },
        prefix,
      });
      // As the real worker does: a finished job's texts leave the queue depth.
      const work = workInProgress(clients.redis, prefix);
      worker.on('completed', (job) => void work.finish(job.id!).catch(() => undefined));
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close(true)));
      if (clients.redis.status === 'ready') {
        await clients.predictionQueue.obliterate({ force: true });
        await clients.persistQueue.obliterate({ force: true });
        await clients.maintenanceQueue.obliterate({ force: true });
        const counters = [...(await clients.redis.keys(`${rateLimitKeyPrefix(prefix)}*`)), ...Object.values(workKeys(prefix))];
        if (counters.length > 0) await clients.redis.del(...counters);
      }
      await clients.close();
      await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await orm.close(true);
    },
  };
}

/**
 * NOT the model: a stand-in processor returning a ClassifyJobResult-shaped value, only
 * to drive the API's status and sync-reply paths. The real model path is covered by the
 * cross-app tests.
 */
export const stubProcessor: Processor<ClassifyJobData, ClassifyJobResult> = async (job) => {
  const predictions = job.data.texts.map((text, i) => ({
    id: predictionId(job.id!, i),
    sentiment: text.includes('bad') ? ('negative' as const) : ('positive' as const),
    confidence: 0.9,
    latency_ms: 1.5,
    model_version: 'stub-v0',
    cache_hit: false,
  }));
  await job.updateProgress({ done: predictions.length, total: predictions.length });
  return { predictions, total: predictions.length };
};
