import { z } from 'zod';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_SENTINEL_PORT = 26379;

/** One Redis Sentinel, as ioredis' `sentinels` option takes it. */
export interface SentinelAddress {
  host: string;
  port: number;
}

/** `host:port`, `host` (port 26379) or `[ipv6]:port`. */
const SENTINEL_ADDRESS = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+))(?::(\d{1,5}))?$/;

/** A comma-separated address list (blanks around and between items ignored), `defaultPort` where an item has none. */
const AddressList = (defaultPort: number, example: string) =>
  z.string().transform((s, ctx): SentinelAddress[] => {
    const items = s.split(',').map((x) => x.trim()).filter(Boolean);
    const addresses: SentinelAddress[] = [];
    for (const item of items) {
      const m = SENTINEL_ADDRESS.exec(item);
      const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
      if (!m || port < 1 || port > 65_535) {
        ctx.addIssue({ code: 'custom', message: `expected host:port items separated by commas (e.g. ${example}); ${JSON.stringify(item)} is not one` });
        return z.NEVER;
      }
      addresses.push({ host: m[1] ?? m[2]!, port });
    }
    if (addresses.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected at least one host:port' });
      return z.NEVER;
    }
    return addresses;
  });

/** REDIS_SENTINELS read. */
const SentinelList = AddressList(DEFAULT_SENTINEL_PORT, 'sentinel-1:26379,sentinel-2:26379');

/** A `{…}` hash tag: every key with it lands in one cluster slot, which BullMQ needs of a queue's keys. */
const HASH_TAG = /\{[^{}]+\}/;

/** The Redis variables the API, the worker and `npm start` read alike. */
export const RedisEnv = z.object({
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, message: 'expected a redis or rediss URL' })
    .default(DEFAULT_REDIS_URL)
    .describe(
      "BullMQ's Redis (the same for the API and the workers). With `REDIS_SENTINELS` set, only its user, password, database number (`/2`) and scheme (`rediss:` = TLS to the primary) are used: the host and port come from the sentinels.",
    ),
  REDIS_SENTINELS: SentinelList.optional().describe(
    'Redis Sentinel addresses, comma-separated `host:port` (port default 26379): the API and the workers ask them for the current primary of `REDIS_SENTINEL_NAME` and follow a failover without a restart. Set both or neither. The sentinels themselves are reached without password or TLS.',
  ),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^\S+$/, { message: 'expected the master name of `sentinel monitor <name> …` (no spaces)' })
    .optional()
    .describe('The master name the sentinels monitor (`sentinel monitor <name> …`); set both or neither with `REDIS_SENTINELS`.'),
  REDIS_CLUSTER_NODES: AddressList(6379, 'redis-1:6379,redis-2:6379')
    .optional()
    .describe(
      'Redis Cluster nodes, comma-separated `host:port` (some or all primaries; the rest is discovered). `QUEUE_PREFIX` must then hold a hash tag (e.g. `{sentiment}`): every key of the deployment starts with it, so each lands in one slot, as BullMQ and the Lua scripts need. `REDIS_URL` then gives only the user, password and scheme (database 0 only). Not with `REDIS_SENTINELS`.',
    ),
  QUEUE_PREFIX: z.string().min(1).default('bull').describe('BullMQ key prefix (isolates deployments sharing a Redis); the same for the API and the workers. With `REDIS_CLUSTER_NODES`, it must hold a `{…}` hash tag.'),
});
export type RedisEnv = z.infer<typeof RedisEnv>;

/** Where a program's Redis connections go: REDIS_URL alone, the sentinels' current primary, or a cluster. */
export interface RedisSettings {
  /** REDIS_URL; with sentinels or a cluster only its credentials (and database, scheme) count. */
  url: string;
  sentinels?: SentinelAddress[];
  /** The sentinels' master name; set exactly when `sentinels` is. */
  sentinelName?: string;
  /** REDIS_CLUSTER_NODES: the cluster's seed nodes. */
  clusterNodes?: SentinelAddress[];
}

/**
 * The problem with REDIS_SENTINELS / REDIS_SENTINEL_NAME that a schema spreading `RedisEnv.shape` cannot see
 * (one set without the other), as a readEnv `extra` problem. Checks only whether each is set (blank = unset).
 */
export function redisSentinelProblems(env: Record<string, string | undefined>): string[] {
  const has = (name: string) => (env[name]?.trim() ?? '') !== '';
  const problems: string[] = [];
  if (has('REDIS_SENTINELS') !== has('REDIS_SENTINEL_NAME')) {
    const missing = has('REDIS_SENTINELS') ? 'REDIS_SENTINEL_NAME' : 'REDIS_SENTINELS';
    problems.push(`${missing}=unset: set both REDIS_SENTINELS and REDIS_SENTINEL_NAME, or neither`);
  }
  if (has('REDIS_CLUSTER_NODES')) {
    if (has('REDIS_SENTINELS')) problems.push('REDIS_CLUSTER_NODES and REDIS_SENTINELS: a cluster or sentinels, not both');
    const prefix = env.QUEUE_PREFIX?.trim() || 'bull';
    if (!HASH_TAG.test(prefix)) {
      problems.push(`QUEUE_PREFIX=${JSON.stringify(prefix)}: with REDIS_CLUSTER_NODES it must hold a {…} hash tag (e.g. {sentiment}), so that each queue's keys share one slot`);
    }
    const db = /^rediss?:\/\/[^/]*\/(\d+)/.exec(env.REDIS_URL?.trim() ?? '')?.[1];
    if (db !== undefined && Number(db) !== 0) problems.push(`REDIS_URL: a cluster has database 0 only (the URL names ${db})`);
  }
  return problems;
}

/** The RedisSettings of validated variables (sentinels only when both are set). */
export function redisSettings(e: Pick<RedisEnv, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME' | 'REDIS_CLUSTER_NODES'>): RedisSettings {
  if (e.REDIS_CLUSTER_NODES) return { url: e.REDIS_URL, clusterNodes: e.REDIS_CLUSTER_NODES };
  if (e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME) return { url: e.REDIS_URL, sentinels: e.REDIS_SENTINELS, sentinelName: e.REDIS_SENTINEL_NAME };
  return { url: e.REDIS_URL };
}
