import type { Redis } from 'ioredis';
import type { PredictionQueues } from '../queue-clients.js';
import type { RedisGuard } from './redis-guard.js';

/** What /ready asks of the prediction queues. */
export interface QueueHealth {
  workersCount(): Promise<number>;
  redisAnswers(): Promise<boolean>;
}

export function createQueueHealth({ redis, queues, guarded }: { redis: Redis; queues: PredictionQueues; guarded: RedisGuard }): QueueHealth {
  return {
    /**
     * Worker processes of this deployment's prediction queues (a process serving two models counts once).
     * BullMQ finds them by connection name in CLIENT LIST, which spans the whole Redis server: a deployment
     * with the same prefix on another database would count too, so only clients on this connection's
     * database are kept.
     */
    workersCount() {
      const db = String(redis.options.db ?? 0);
      return guarded(async () => {
        const lists = await Promise.all(queues.all().map((q) => q.getWorkers()));
        const names = lists
          .flat()
          .filter((w) => (w as { db?: string }).db === db)
          .map((w) => {
            const raw = String((w as { rawname?: string }).rawname ?? '');
            return raw.includes(':w:') ? raw.slice(raw.indexOf(':w:') + 3) : String((w as { addr?: string }).addr);
          });
        return new Set(names).size;
      });
    },

    async redisAnswers() {
      if (redis.status !== 'ready') return false;
      return (await redis.ping().catch(() => null)) === 'PONG';
    },
  };
}
