import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from '@sentiment/queue';

/**
 * The shared ioredis connection. maxRetriesPerRequest: null is what BullMQ workers require; ioredis
 * keeps reconnecting on its own, so an unreachable Redis is logged (once per outage) and waited for.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.error(
      { err, redis: redactUrl(url) },
      'Redis unreachable; retrying (start it with `docker compose up -d redis` or set REDIS_URL)',
    );
  });
  redis.on('ready', () => {
    if (down) logger.info({ redis: redactUrl(url) }, 'Redis reachable again');
    down = false;
  });
  return redis;
}

