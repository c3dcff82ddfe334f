import { Redis, type RedisOptions } from 'ioredis';
import { redactUrl } from './connection-url.js';

/**
 * Where a Redis connection goes (@sentiment/settings' RedisSettings, repeated here so the queue package
 * needs no settings dependency): REDIS_URL alone, or the current primary of `sentinelName` as the
 * sentinels report it, with REDIS_URL's user, password, database and scheme.
 */
export interface RedisTarget {
  url: string;
  sentinels?: ReadonlyArray<{ host: string; port: number }>;
  sentinelName?: string;
}

const usesSentinels = (target: RedisTarget) => (target.sentinels?.length ?? 0) > 0 && !!target.sentinelName;

/**
 * A demoted primary answers writes with READONLY until its clients move: drop the connection so that
 * ioredis asks the sentinels again (the command itself fails, and callers answer 503 as for an outage).
 */
function reconnectOnReadonly(err: Error): boolean | 1 {
  return /^READONLY/.test(err.message) ? 1 : false;
}

/**
 * The ioredis options of a connection to `target`, with the caller's own `options` (timeouts, offline
 * queue, retries…) kept as given. Without sentinels: `options` alone (the URL goes to the constructor).
 */
export function redisConnectionOptions(target: RedisTarget, options: RedisOptions = {}): RedisOptions {
  if (!usesSentinels(target)) return { ...options };
  const url = new URL(target.url);
  const db = Number(url.pathname.replace(/^\//, '') || 0);
  const tls = url.protocol === 'rediss:';
  return {
    // From REDIS_URL: what the primary asks of a client. Its host and port are not used.
    ...(url.username && { username: decodeURIComponent(url.username) }),
    ...(url.password && { password: decodeURIComponent(url.password) }),
    ...(Number.isInteger(db) && db > 0 && { db }),
    ...(tls && { tls: {}, enableTLSForSentinelMode: true }),
    sentinels: target.sentinels!.map(({ host, port }) => ({ host, port })),
    name: target.sentinelName,
    // Subscribe to the sentinels' +switch-master: move as soon as they promote a replica, rather than
    // when the old primary's socket finally errors.
    failoverDetector: true,
    reconnectOnError: reconnectOnReadonly,
    ...options,
  };
}

/** Every Redis connection of the apps and scripts is opened here, so that REDIS_SENTINELS reaches each one. */
export function createRedisConnection(target: RedisTarget, options: RedisOptions = {}): Redis {
  return usesSentinels(target) ? new Redis(redisConnectionOptions(target, options)) : new Redis(target.url, options);
}

/** The target for logs: the URL with its password hidden, or the sentinel list and master name. */
export function describeRedisTarget(target: RedisTarget): string {
  if (!usesSentinels(target)) return redactUrl(target.url);
  return `sentinels ${target.sentinels!.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',')} master ${target.sentinelName}`;
}
