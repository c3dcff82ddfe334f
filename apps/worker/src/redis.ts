import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createRedisConnection, describeRedisTarget, type RedisTarget } from '@sentiment/queue';

/**
 * The shared ioredis connection. maxRetriesPerRequest: null is what BullMQ workers require; ioredis
 * keeps reconnecting on its own (with sentinels: to whichever primary they name), so an unreachable
 * Redis is logged (once per outage) and waited for.
 */
export function createRedis(target: RedisTarget, logger: Logger): Redis {
  const redis = createRedisConnection(target, { maxRetriesPerRequest: null });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.error(
      { err, redis: describeRedisTarget(target) },
      'Redis unreachable; retrying (start it with `docker compose up -d redis` or set REDIS_URL)',
    );
  });
  redis.on('ready', () => {
    if (down) logger.info({ redis: describeRedisTarget(target) }, 'Redis reachable again');
    down = false;
  });
  return redis;
}
