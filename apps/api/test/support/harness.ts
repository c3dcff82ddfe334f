import { randomBytes } from 'node:crypto';
import { Worker, type Processor } from 'bullmq';
import { pino, type Logger } from 'pino';
import type { Express } from 'express';
import { createAnalyticsRepository, initOrm, migrateUp, type AnalyticsRepository } from '@sentiment/db';
import { announceModel, predictionId, PRESENCE_EVERY_MS, predictionQueueName, workInProgress, workKeys, type ClassifyJobData, type ClassifyJobResult } from '@sentiment/queue';
import { DEFAULT_MODELS_FILE, readModelsFile, type Registry } from '@sentiment/registry';
import { createApp } from '../../src/app.js';
import { createApiMetrics, type ApiMetricsOptions } from '../../src/metrics.js';
import type { AccessOptions } from '../../src/security/access.js';
import { rateLimitKeyPrefix } from '../../src/security/rate-limit.js';
import type { PredictionJobs } from '../../src/jobs/prediction-jobs.js';
import { createPredictionJobs } from '../../src/jobs/create-prediction-jobs.js';
import { createRedisHealth } from '../../src/redis-health.js';
import { createQueueClients, type PredictionQueue, type QueueClients } from '../../src/queue-clients.js';
import { createModelRouter, type ModelRouter } from '../../src/models/model-router.js';

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
  models: ModelRouter;
  registry: Registry;
  /** The model requests without a `model` go to (the registry's `stable`). */
  defaultModel: string;
  /** Its prediction queue. */
  queue: PredictionQueue;
  orm: Orm;
  analytics: AnalyticsRepository;
  /**
   * A real BullMQ worker on the queue of `model` (default: defaultModel), announced as serving it with
   * version `<model>+00000000` (so pinning it works); closed by `close()`.
   */
  startWorker(processor: Processor<ClassifyJobData, ClassifyJobResult>, model?: string): Worker<ClassifyJobData, ClassifyJobResult>;
  /** Resolves once the started workers' models are announced and the router has read them. */
  announced(): Promise<void>;
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
  /** Default: the repository's models.json. */
  registry?: Registry;
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

  const registry = options.registry ?? readModelsFile(DEFAULT_MODELS_FILE);
  const names = [...registry.models.keys()];
  const defaultModel = registry.routing.aliases.stable ?? names[0]!;
  const clients = createQueueClients({ redis: { url: options.redisUrl ?? REDIS_URL }, prefix, models: names, logger: silentLogger });
  const queue = clients.predictionQueues.of(defaultModel);
  if (!options.redisUrl) {
    // Requests before the first connection would (rightly) get 503s.
    await Promise.all([queue.waitUntilReady(), clients.replies.ready()]);
  }
  const jobs = createPredictionJobs(clients, { resultTtlS: 3600 });
  const metrics = options.metrics && createApiMetrics({ ...options.metrics, queues: [...clients.predictionQueues.all(), clients.persistQueue], redis: clients.redis, logger: silentLogger });
  const models = createModelRouter({ registry, redis: clients.redis, prefix, logger: silentLogger, onChoice: metrics?.modelChosen, onRouting: metrics?.routingApplied });
  const { rateLimitPerMinute = 0, ...access } = options.access ?? {};
  const app = createApp({
    jobs,
    models,
    analytics,
    redisHealth: createRedisHealth(clients.redis, prefix),
    boardQueues: [...clients.predictionQueues.all(), clients.persistQueue, clients.maintenanceQueue],
    logger: options.logger ?? silentLogger,
    syncTimeoutMs: options.syncTimeoutMs ?? 2000,
    bodyLimit: options.bodyLimit ?? '16mb',
    access: { ...access, rateLimit: { perMinute: rateLimitPerMinute, redis: clients.redis, prefix: rateLimitKeyPrefix(prefix) } },
    backpressure: { maxQueueDepth: options.maxQueueDepth ?? 0, prefix, redis: clients.redis, cacheMs: options.queueDepthCacheMs },
    metrics,
  });

  const workers: Worker<ClassifyJobData, ClassifyJobResult>[] = [];
  const announcing: Promise<void>[] = [];
  const timers: NodeJS.Timeout[] = [];
  return {
    app,
    prefix,
    schema,
    clients,
    jobs,
    models,
    registry,
    defaultModel,
    queue,
    orm,
    analytics,
    async announced() {
      await Promise.all(announcing);
      await models.refresh();
    },
    startWorker(processor, model = defaultModel) {
      const queueName = predictionQueueName(model);
      const worker = new Worker<ClassifyJobData, ClassifyJobResult>(queueName, processor, {
        connection: { url: REDIS_URL, maxRetriesPerRequest: null },
        prefix,
      });
      // As the real worker does: a finished job's texts leave the queue depth, and it announces its model.
      const work = workInProgress(clients.redis, prefix);
      worker.on('completed', (job) => void work.finish(queueName, job.id!).catch(() => undefined));
      // Announced as a real worker does: now, and again before the entry expires.
      const announce = () => announceModel(clients.redis, prefix, model, `${model}+00000000`, `harness-${workers.length}`);
      announcing.push(announce());
      timers.push(setInterval(() => void announce().catch(() => undefined), PRESENCE_EVERY_MS));
      workers.push(worker);
      return worker;
    },
    async close() {
      models.close();
      timers.forEach(clearInterval);
      await Promise.all(workers.map((w) => w.close(true)));
      if (clients.redis.status === 'ready') {
        for (const q of clients.predictionQueues.all()) await q.obliterate({ force: true });
        await clients.redis.del(...names.map((m) => `${prefix}:model-workers:${m}`), `${prefix}:routing`);
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
