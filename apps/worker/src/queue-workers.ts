import { isRedisConnectionError, modelOfQueue, PERSIST_QUEUE } from '@sentiment/queue';
import { MetricsTime, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { WorkerConfig } from './config.js';
import type { WorkerMetrics } from './metrics.js';
import { redactTexts } from './processor.js';
import type { Replier } from './replier.js';
import type { Route } from './routes.js';

export interface QueueWorkerDeps {
  config: WorkerConfig;
  connection: Redis;
  prefix: string;
  /** This process' name in Bull Board and CLIENT LIST. */
  name: string;
  logger: Logger;
  metrics: WorkerMetrics;
  replier: Pick<Replier, 'failed'>;
  /** Counts a prediction job out of the API's queue depth once it ends for good. */
  finishWork(queueName: string, jobId: string | undefined): void;
}

/** One BullMQ Worker per route, with the settings and event handling every one of them shares. */
export function startQueueWorkers(routes: Route[], { config, connection, prefix, name, logger, metrics, replier, finishWork }: QueueWorkerDeps): Worker[] {
  return routes.map((route) => {
    const predictions = modelOfQueue(route.queue) !== undefined;
    const worker = new Worker(route.queue, route.processor, {
      connection,
      prefix,
      name,
      concurrency: predictions ? config.workerConcurrency : route.queue === PERSIST_QUEUE ? 2 : 1,
      lockDuration: config.lockDurationMs,
      // BullMQ's default (1) fails a job for good the second time its worker dies, whatever its
      // attempts; writes are idempotent, so taking it over again is safe.
      maxStalledCount: config.maxStalledCount,
      stalledInterval: config.stalledIntervalMs,
      // Only a fallback: producers set their own retention (classifyJobOptions / persistJobOptions).
      removeOnComplete: { age: config.resultTtlS },
      // BullMQ's own completed/failed totals (Queue#getMetrics), which the API's /metrics reports per queue.
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    });
    worker.on('completed', (job) => {
      metrics.jobCompleted(route.queue);
      if (predictions) finishWork(route.queue, job.id);
    });
    // While Redis is away every Worker reports each failed reconnect and blocking call; createRedis logs
    // the outage once and its end once, so these are noise then.
    worker.on('error', (err) => {
      const outage = connection.status !== 'ready' || isRedisConnectionError(err);
      logger[outage ? 'debug' : 'error']({ err, queue: route.queue }, 'worker error');
    });
    worker.on('failed', (job, err) => {
      const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
      // Retries of parked rows during a Postgres outage are expected; the processors log the outage once.
      const level = final ? 'warn' : route.queue === PERSIST_QUEUE ? 'debug' : 'info';
      const { requestId, requestIds } = (job?.data ?? {}) as { requestId?: unknown; requestIds?: unknown };
      logger[level]({ jobId: job?.id, requestId, requestIds, queue: route.queue, attemptsMade: job?.attemptsMade, final, err: err.message }, 'job failed');
      metrics.jobFailed(route.queue, final);
      if (job && final && predictions) {
        replier.failed(job, err.message);
        finishWork(route.queue, job.id);
        if (!config.storeInputText) redactTexts(job).catch((e: unknown) => logger.warn({ err: e, jobId: job.id }, 'could not blank the texts of a failed job'));
      }
    });
    return worker;
  });
}
