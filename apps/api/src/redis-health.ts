import { WriteRejection, writeRejectionsKey } from '@sentiment/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How Redis keeps what it holds across a restart. `unknown`: CONFIG is not allowed (a managed Redis). */
export type RedisPersistence = 'aof' | 'snapshots' | 'none' | 'unknown';

export interface RedisHealth {
  /** Current reports of rows Postgres refused for good, one per worker (see @sentiment/queue write-rejections.ts). */
  writeRejections(): Promise<WriteRejection[]>;
  persistence(): Promise<RedisPersistence>;
}

export function createRedisHealth(redis: Redis, prefix: string, ttlMs = 10 * 60_000): RedisHealth {
  return {
    async writeRejections() {
      const fields = await redis.hgetall(writeRejectionsKey(prefix));
      const now = Date.now();
      return Object.values(fields).flatMap((raw) => {
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          return [];
        }
        const report = WriteRejection.safeParse(json);
        return report.success && now - report.data.at < ttlMs ? [report.data] : [];
      });
    },
    async persistence() {
      try {
        const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
        if (appendonly === 'yes') return 'aof';
        const [, save] = (await redis.config('GET', 'save')) as string[];
        return save ? 'snapshots' : 'none';
      } catch {
        return 'unknown';
      }
    },
  };
}

/**
 * Each time Redis (re)connects, warns loudly if it keeps nothing across a restart: 202'd jobs, their
 * results and Idempotency-Keys would be lost with it (/ready says so too, as `degraded`).
 */
export function warnWithoutPersistence(redis: Redis, health: RedisHealth, logger: Logger): void {
  const check = () => {
    health.persistence().then((persistence) => {
      if (persistence === 'none') {
        logger.warn(
          { persistence },
          'Redis runs without persistence (appendonly no, no snapshots): a Redis restart loses queued jobs, job results and ' +
            'Idempotency-Keys. Run it with --appendonly yes (docker-compose.yml does)',
        );
      } else if (persistence === 'snapshots') {
        logger.warn({ persistence }, 'Redis persists by snapshots only: a restart loses what changed since the last one; --appendonly yes keeps it');
      }
    }, () => undefined);
  };
  redis.on('ready', check);
  // Already connected by the time this was called (startup awaits other things first).
  if (redis.status === 'ready') check();
}
