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

/** REDIS_SENTINELS read: comma-separated addresses, blanks around and between items ignored. */
const SentinelList = z.string().transform((s, ctx): SentinelAddress[] => {
  const items = s.split(',').map((x) => x.trim()).filter(Boolean);
  const addresses: SentinelAddress[] = [];
  for (const item of items) {
    const m = SENTINEL_ADDRESS.exec(item);
    const port = m?.[3] === undefined ? DEFAULT_SENTINEL_PORT : Number(m[3]);
    if (!m || port < 1 || port > 65_535) {
      ctx.addIssue({ code: 'custom', message: `expected host:port items separated by commas (e.g. sentinel-1:26379,sentinel-2:26379); ${JSON.stringify(item)} is not one` });
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
  QUEUE_PREFIX: z.string().min(1).default('bull').describe('BullMQ key prefix (isolates deployments sharing a Redis); the same for the API and the workers.'),
});
export type RedisEnv = z.infer<typeof RedisEnv>;

/** Where a program's Redis connections go: REDIS_URL alone, or the sentinels' current primary. */
export interface RedisSettings {
  /** REDIS_URL; with sentinels only its credentials, database and scheme count. */
  url: string;
  sentinels?: SentinelAddress[];
  /** The sentinels' master name; set exactly when `sentinels` is. */
  sentinelName?: string;
}

/**
 * The problem with REDIS_SENTINELS / REDIS_SENTINEL_NAME that a schema spreading `RedisEnv.shape` cannot see
 * (one set without the other), as a readEnv `extra` problem. Checks only whether each is set (blank = unset).
 */
export function redisSentinelProblems(env: Record<string, string | undefined>): string[] {
  const has = (name: string) => (env[name]?.trim() ?? '') !== '';
  if (has('REDIS_SENTINELS') === has('REDIS_SENTINEL_NAME')) return [];
  const missing = has('REDIS_SENTINELS') ? 'REDIS_SENTINEL_NAME' : 'REDIS_SENTINELS';
  return [`${missing}=unset: set both REDIS_SENTINELS and REDIS_SENTINEL_NAME, or neither`];
}

/** The RedisSettings of validated variables (sentinels only when both are set). */
export function redisSettings(e: Pick<RedisEnv, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME'>): RedisSettings {
  if (e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME) return { url: e.REDIS_URL, sentinels: e.REDIS_SENTINELS, sentinelName: e.REDIS_SENTINEL_NAME };
  return { url: e.REDIS_URL };
}
