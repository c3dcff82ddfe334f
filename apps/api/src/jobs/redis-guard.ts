import type { Redis } from 'ioredis';
import { isRedisConnectionError } from '@sentiment/queue';
import { QueueUnavailableError, RedisFullError } from '../errors.js';

/** Runs a Redis operation only while connected, so a request never waits on a dead Redis. */
export type RedisGuard = <T>(op: () => Promise<T>) => Promise<T>;

/**
 * Turns Redis failures into HTTP errors: not connected (or lost mid-call) is a 503 QueueUnavailableError,
 * a write refused past `maxmemory` a RedisFullError (and `onRedisFull` is told); anything else is rethrown.
 */
export function createRedisGuard(redis: Redis, onRedisFull: (err: Error) => void): RedisGuard {
  return async function guarded<T>(op: () => Promise<T>): Promise<T> {
    if (redis.status !== 'ready') throw new QueueUnavailableError();
    try {
      return await op();
    } catch (err) {
      if (redis.status !== 'ready' || isRedisConnectionError(err)) throw new QueueUnavailableError({ cause: err });
      if (isRedisOutOfMemory(err)) {
        onRedisFull(err as Error);
        throw new RedisFullError({ cause: err });
      }
      throw err;
    }
  };
}

/** Redis' reply to a write past `maxmemory` (with the noeviction policy BullMQ needs). */
function isRedisOutOfMemory(err: unknown): boolean {
  return err instanceof Error && /^OOM /.test(err.message);
}
