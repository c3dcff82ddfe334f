import type { Redis } from 'ioredis';
import type { PredictionQueue } from '../queue-clients.js';
import type { RedisGuard } from './redis-guard.js';

/** What /ready asks of the prediction queue. */
export interface QueueHealth {
  workersCount(): Promise<number>;
  redisAnswers(): Promise<boolean>;
}

export function createQueueHealth({ redis, queue, guarded }: { redis: Redis; queue: PredictionQueue; guarded: RedisGuard }): QueueHealth {
  return {
    /**
     * Workers of this deployment's prediction queue. BullMQ finds them by connection name in CLIENT LIST,
     * which spans the whole Redis server: a deployment with the same prefix on another database would
     * count too, so only clients on this connection's database are kept.
     */
    workersCount() {
      const db = String(redis.options.db ?? 0);
      return guarded(async () => (await queue.getWorkers()).filter((w) => (w as { db?: string }).db === db).length);
    },

    async redisAnswers() {
      if (redis.status !== 'ready') return false;
      return (await redis.ping().catch(() => null)) === 'PONG';
    },
  };
}
