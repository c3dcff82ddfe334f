import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisStore } from 'rate-limit-redis';
import { bearerToken, keyFingerprint, matchingKey } from './credentials.js';
import { RateLimitedError } from './errors.js';
import { sendCommandVia } from './redis-commands.js';

export interface RateLimitOptions {
  perMinute: number;
  /** The API's own connection: counters live in Redis, so every API instance shares them. */
  redis: Redis;
  /** Redis key prefix for the counters, e.g. `<QUEUE_PREFIX>:rate-limit:`. */
  prefix: string;
  /** Valid API keys: a request carrying one is counted per key, any other per client IP. */
  apiKeys: readonly string[];
  logger: Logger;
}

/** Where the counters of a deployment (a BullMQ prefix) live in Redis. */
export const rateLimitKeyPrefix = (queuePrefix: string) => `${queuePrefix}:rate-limit:`;

/**
 * Fixed one-minute window per client. Never limited: /health, and /metrics scrapes that carry a valid
 * key (or any, when no keys are set); a /metrics request with a wrong key counts like any other, so the
 * endpoint is no unlimited oracle for guessing keys.
 */
export function rateLimiter({ perMinute, redis, prefix, apiKeys, logger }: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-6', // RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (+ Retry-After on 429)
    legacyHeaders: false,
    store: new RedisStore({ prefix, sendCommand: sendCommandVia(redis) }),
    skip: (req) =>
      req.path === '/health' || (req.path === '/metrics' && (apiKeys.length === 0 || matchingKey(bearerToken(req.get('authorization')), apiKeys) !== undefined)),
    keyGenerator: (req) => clientKey(req, apiKeys),
    handler: (_req, _res, next) => next(new RateLimitedError(perMinute)),
    // Redis down: let the request through; the queue answers its own 503 and /analytics still works.
    passOnStoreError: true,
    logger: {
      warn: (obj, msg) => logger.warn(obj, msg),
      // While Redis is down every request fails in the store; the outage itself is logged once elsewhere.
      error: (obj, msg) => (redis.status === 'ready' ? logger.error(obj, msg) : logger.debug(obj, msg)),
    },
  });
}

/**
 * Only a *valid* key names the client; an unknown bearer token counts against the IP, so
 * guessing keys (or rotating junk tokens) cannot escape the limit. Keys are stored hashed.
 */
function clientKey(req: Request, apiKeys: readonly string[]): string {
  const key = matchingKey(bearerToken(req.get('authorization')), apiKeys);
  return key ? `key:${keyFingerprint(key)}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}
