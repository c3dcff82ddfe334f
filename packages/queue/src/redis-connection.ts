import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
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
  /** A Redis Cluster's seed nodes (REDIS_CLUSTER_NODES): REDIS_URL gives only the credentials and scheme. */
  clusterNodes?: ReadonlyArray<{ host: string; port: number }>;
}

const usesSentinels = (target: RedisTarget) => (target.sentinels?.length ?? 0) > 0 && !!target.sentinelName;
const usesCluster = (target: RedisTarget) => (target.clusterNodes?.length ?? 0) > 0;

/** The credentials and TLS of REDIS_URL, for connections whose host comes from elsewhere. */
function credentialsOf(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
  };
}

/** Options ioredis reads on the Cluster itself rather than on each node's connection. */
const CLUSTER_LEVEL = ['enableOfflineQueue', 'lazyConnect', 'enableReadyCheck'] as const;

/**
 * The ioredis Cluster options of a connection to `target`'s cluster: the caller's options go to every
 * node connection (timeouts, retries) and, where ioredis reads them on the cluster, there too.
 */
export function clusterConnectionOptions(target: RedisTarget, options: RedisOptions = {}): ClusterOptions {
  const clusterLevel = Object.fromEntries(CLUSTER_LEVEL.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
  return { ...clusterLevel, redisOptions: { ...credentialsOf(target.url), ...options } };
}

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

/**
 * Every Redis connection of the apps and scripts is opened here, so that REDIS_SENTINELS and
 * REDIS_CLUSTER_NODES reach each one. A Cluster is returned typed as `Redis`: it takes the same commands
 * (BullMQ accepts either), and every key this project builds starts with QUEUE_PREFIX, whose hash tag
 * puts a deployment's keys in one slot, so multi-key commands and scripts stay valid on a cluster.
 */
export function createRedisConnection(target: RedisTarget, options: RedisOptions = {}): Redis {
  if (usesCluster(target)) return new Cluster(target.clusterNodes!.map(({ host, port }) => ({ host, port })), clusterConnectionOptions(target, options)) as unknown as Redis;
  return usesSentinels(target) ? new Redis(redisConnectionOptions(target, options)) : new Redis(target.url, options);
}

/** The target for logs: the URL with its password hidden, the cluster's seed nodes, or the sentinel list and master name. */
export function describeRedisTarget(target: RedisTarget): string {
  if (usesCluster(target)) return `cluster ${target.clusterNodes!.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',')}`;
  if (!usesSentinels(target)) return redactUrl(target.url);
  return `sentinels ${target.sentinels!.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',')} master ${target.sentinelName}`;
}
