import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisReply, SendCommandFn } from 'rate-limit-redis';

/**
 * rate-limit-redis's `sendCommand` over an ioredis connection, with one change: SCRIPT LOAD is
 * answered locally (the SHA-1 is all Redis would answer) and an EVALSHA that meets NOSCRIPT is
 * sent again as EVAL, which also loads the script (ioredis does the same for its own Lua commands).
 *
 * Why: the store loads its scripts when the limiter is built and keeps the promise. Built while
 * Redis is still connecting (as at startup, where nothing waits for Redis), that promise rejects
 * and every later request fails in the store, forever: rate limiting would be silently off.
 * Answered locally, building the limiter does no I/O at all, and Redis restarts (which drop
 * loaded scripts) are handled too.
 */
export function sendCommandVia(redis: Redis): SendCommandFn {
  const scripts = new Map<string, string>();
  return async (command: string, ...args: string[]) => {
    const name = command.toUpperCase();
    if (name === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD' && args[1] !== undefined) {
      const sha = createHash('sha1').update(args[1]).digest('hex');
      scripts.set(sha, args[1]);
      return sha;
    }
    if (name === 'EVALSHA') {
      const [sha, ...rest] = args;
      try {
        return (await redis.call('EVALSHA', sha!, ...rest)) as RedisReply;
      } catch (err) {
        const script = scripts.get(sha!);
        if (!script || !/^NOSCRIPT/.test((err as Error).message)) throw err;
        return (await redis.call('EVAL', script, ...rest)) as RedisReply;
      }
    }
    return (await redis.call(command, ...args)) as RedisReply;
  };
}
