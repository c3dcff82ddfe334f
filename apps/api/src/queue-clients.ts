import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { createJobReplies, type JobReplies } from './job-replies.js';
import {
  createRedisConnection,
  describeRedisTarget,
  MAINTENANCE_QUEUE,
  PERSIST_QUEUE,
  predictionQueueName,
  type ClassifyJobData,
  type ClassifyJobResult,
  type RedisTarget,
} from '@sentiment/queue';
import type { JobState } from 'bullmq';

const CLOSE_TIMEOUT_MS = 2000;

export type PredictionQueue = Queue<ClassifyJobData, ClassifyJobResult>;

/** The prediction queue of each registry model (a job reaches only workers holding its model). */
export interface PredictionQueues {
  /** The queue of registry model `model`. */
  of(model: string): PredictionQueue;
  /** The queue named `queueName` (a job's `queueName`). */
  named(queueName: string): PredictionQueue | undefined;
  all(): PredictionQueue[];
  /** The queue holding job `id` and the job's state; null when no queue has it. One round trip per model, in parallel. */
  locate(id: string): Promise<{ queue: PredictionQueue; state: JobState } | null>;
}

export interface QueueClients {
  /** The connection the queues share; its status tells whether Redis is reachable right now. */
  redis: Redis;
  /** The BullMQ prefix (QUEUE_PREFIX): every key of this deployment starts with it. */
  prefix: string;
  predictionQueues: PredictionQueues;
  /** Only shown in Bull Board; the worker owns its jobs. */
  persistQueue: Queue;
  /** Retention runs; shown in Bull Board. */
  maintenanceQueue: Queue;
  /** Where workers publish the outcome of jobs this instance waits for. */
  replies: JobReplies;
  close(): Promise<void>;
}

export interface QueueClientOptions {
  /** REDIS_URL, or the sentinels to ask for the current primary (config.redis). */
  redis: RedisTarget;
  prefix: string;
  /** The registry's model names: one prediction queue each. */
  models: readonly string[];
  logger: Logger;
}

/**
 * Builds the API's Redis clients. Nothing here blocks on Redis: the clients keep
 * reconnecting in the background, and requests fail fast (503) while it is down.
 */
export function createQueueClients({ redis: target, prefix, models, logger }: QueueClientOptions): QueueClients {
  // Fail fast instead of queueing commands while disconnected: an HTTP caller
  // would rather get a 503 now than a hung request.
  const redis = createRedisConnection(target, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A hung Redis (sockets open, no answers) must cost a request a second, not hang it: commands
    // take ~1 ms (a 10,000-text add ~30 ms), so 1 s only ever cuts a server that stopped answering.
    commandTimeout: 1000,
    connectTimeout: 5000,
  });
  watchOutages(redis, target, logger);

  const predictionQueues = createPredictionQueues(models, (name) => new Queue(name, { connection: redis, prefix }));
  const persistQueue = new Queue(PERSIST_QUEUE, { connection: redis, prefix });
  const maintenanceQueue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix });
  const replies = createJobReplies({ redis: target, prefix, logger });
  // Connection errors are reported once by watchOutages; these only keep EventEmitter from throwing.
  const quiet = (err: Error) => logger.debug({ err }, 'queue client error');
  for (const q of predictionQueues.all()) q.on('error', quiet);
  persistQueue.on('error', quiet);
  maintenanceQueue.on('error', quiet);

  return {
    redis,
    prefix,
    predictionQueues,
    persistQueue,
    maintenanceQueue,
    replies,
    async close() {
      // A client still waiting for its first connection never finishes closing (BullMQ awaits
      // the connection first): cut the socket, and bound the wait for the clients themselves.
      if (redis.status !== 'ready') redis.disconnect();
      const clientsClosed = Promise.allSettled([replies.close(), ...predictionQueues.all().map((q) => q.close()), persistQueue.close(), maintenanceQueue.close()]);
      await Promise.race([clientsClosed, delay(CLOSE_TIMEOUT_MS, undefined, { ref: false })]);
      // The queues were given this connection, so they leave closing it to us.
      await (redis.status === 'ready' ? redis.quit() : redis.disconnect());
    },
  };
}

export function createPredictionQueues(models: readonly string[], open: (queueName: string) => PredictionQueue): PredictionQueues {
  const byModel = new Map(models.map((m) => [m, open(predictionQueueName(m))]));
  const byName = new Map([...byModel.values()].map((q) => [q.name, q]));
  return {
    of(model) {
      const queue = byModel.get(model);
      if (!queue) throw new Error(`no queue for model "${model}" (not in the registry)`);
      return queue;
    },
    named: (queueName) => byName.get(queueName),
    all: () => [...byModel.values()],
    async locate(id) {
      const queues = [...byModel.values()];
      const states = await Promise.all(queues.map((q) => q.getJobState(id)));
      const i = states.findIndex((s) => s !== 'unknown');
      return i < 0 ? null : { queue: queues[i]!, state: states[i] as JobState };
    },
  };
}

/** One log line when Redis goes away and one when it is back, not one per reconnect attempt. */
function watchOutages(redis: Redis, target: RedisTarget, logger: Logger): void {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.error(
      { err: err.message, redis: describeRedisTarget(target) },
      'Redis is unreachable; retrying in the background. Start it with `docker compose up -d postgres redis`',
    );
  });
  redis.on('ready', () => {
    if (down) logger.info({ redis: describeRedisTarget(target) }, 'Redis is reachable again');
    down = false;
  });
}
