import { z } from 'zod';
import { DatabaseEnv, databaseOptions, type DbOptions } from '@sentiment/db';
import { registryFromEnv, RegistryEnv, type Registry } from '@sentiment/registry';
import { ConfigError, heapEnv, readEnv, RedisEnv, redisSentinelProblems, redisSettings, setVariables, type RedisSettings } from '@sentiment/settings';

export { ConfigError };

/** Byte sizes as body-parser understands them: `16mb`, `512kb`, `1000`. */
const BYTE_SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i;
const ByteSize = z.string().regex(BYTE_SIZE, { message: 'expected a size like 16mb or 512kb' });
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size as BODY_LIMIT takes it, in bytes (unbounded when it is not one). */
export function byteSize(size: string): number {
  const m = BYTE_SIZE.exec(size.trim());
  return m ? Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!) : Number.POSITIVE_INFINITY;
}
const PositiveInt = z.coerce.number().int().positive();
const NonNegativeInt = z.coerce.number().int().min(0);
/** Comma-separated lists; blanks around and between items are ignored. */
const List = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
/** An origin as browsers send it: scheme, host and optional port, nothing else. */
const Origin = z.string().regex(/^https?:\/\/[^/\s?#]+$/, { message: 'expected origins like https://app.example.com' });
/**
 * Express's `trust proxy`: off, a hop count, or the proxies' addresses/subnets (or `loopback`, …).
 * `true` (trust every hop) is refused: any client could then pick its own rate-limit key.
 */
const TrustProxy = z
  .string()
  .refine((s) => s.trim() !== 'true', { message: 'trusting every proxy lets clients spoof their IP; give a hop count or the proxy addresses' })
  .transform((s): false | number | string[] => {
    const t = s.trim();
    if (t === 'false' || t === '0') return false;
    if (/^\d+$/.test(t)) return Number(t);
    return t.split(',').map((x) => x.trim()).filter(Boolean);
  });

export const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('Port the API listens on.'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Address the API listens on.'),
  ...RedisEnv.shape,
  ...DatabaseEnv.shape,
  ...RegistryEnv.shape,
  SYNC_TIMEOUT_MS: PositiveInt.default(2000).describe('How long `/predict` and `/batch` wait for their job before answering 202 with its id.'),
  RESULT_TTL_S: PositiveInt.default(3600).describe('How long completed jobs and their results stay readable.'),
  BODY_LIMIT: ByteSize.default('16mb').describe('Largest JSON body of `/jobs` (413 above it). `/predict` and `/batch` read at most what their largest valid body needs (every character escaped: ~30 KB and ~3 MB), and any object with more than 64 keys is refused (400) before it is parsed.'),
  SHUTDOWN_TIMEOUT_MS: PositiveInt.default(10_000).describe('Bound on graceful shutdown.'),
  ...heapEnv(25).shape,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino level.'),
  NODE_ENV: z.string().default('development').describe('`production`: the API refuses to start without `API_KEYS` (unless `ALLOW_ANONYMOUS=true`), and without admin credentials neither Bull Board nor `/dashboard` is mounted.'),
  ADMIN_USER: z.string().min(1).optional().describe('HTTP Basic user for `/admin/*` and `/dashboard`; set both or neither. Unset: the board is read-only, with a warning in the log.'),
  ADMIN_PASSWORD: z.string().min(12, { message: 'use at least 12 characters' }).optional().describe('HTTP Basic password for `/admin/*` and `/dashboard` (compared in constant time).'),
  API_KEYS: List.pipe(z.array(z.string().min(16, { message: 'each key needs at least 16 characters' }))).default([]).describe('Bearer keys; when set, every endpoint but `/health`, `/openapi.json` and `/docs` needs `Authorization: Bearer <key>`. Empty: off.'),
  RATE_LIMIT_PER_MINUTE: NonNegativeInt.default(600).describe('Requests per minute per API key (else per client IP), counted in Redis so all API instances share it; 429 + `Retry-After` above it; `0` = off.'),
  TRUST_PROXY: TrustProxy.default(false).describe('`false`, a hop count or the proxy addresses/subnets to trust for `X-Forwarded-For`; `true` is refused (clients could pick their own IP).'),
  MAX_QUEUE_DEPTH: NonNegativeInt.default(200_000).describe('Texts accepted and not yet answered (waiting or being processed) at which new work is refused with 503 `queue_full` + `Retry-After`; `0` = off.'),
  CACHE_SCOPE: z.enum(['client', 'shared']).default('client').describe('`client`: a caller only hits result-cache entries its own requests filled; `shared`: one cache for all.'),
  ALLOW_ANONYMOUS: z.stringbool().default(false).describe('With `NODE_ENV=production` and no `API_KEYS`, the API refuses to start unless this is `true`.'),
  CORS_ORIGINS: List.pipe(z.array(Origin)).default([]).describe('Origins allowed by CORS; empty = no CORS headers.'),
})
  .refine((e) => (e.ADMIN_USER === undefined) === (e.ADMIN_PASSWORD === undefined), {
    message: 'set both ADMIN_USER and ADMIN_PASSWORD, or neither',
    path: ['ADMIN_USER'],
    // Checked even when other variables are bad, so one run reports every mistake.
    when: () => true,
  })
  // A production API is closed to strangers unless the operator says otherwise, out loud.
  .refine((e) => e.NODE_ENV !== 'production' || (e.API_KEYS?.length ?? 0) > 0 || e.ALLOW_ANONYMOUS === true, {
    message: 'required when NODE_ENV=production; set ALLOW_ANONYMOUS=true to serve without keys (e.g. behind your own authenticating proxy)',
    path: ['API_KEYS'],
    when: () => true,
  });

export interface ApiConfig {
  port: number;
  host: string;
  /** REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_NAME with REDIS_URL's credentials and database. */
  redis: RedisSettings;
  /** DATABASE_URL, DATABASE_SCHEMA and the timeouts, read as every other tool reads them (@sentiment/db settings.ts). */
  database: DbOptions;
  queuePrefix: string;
  /** The models the deployment serves and its initial routing (the workers read the same registry). */
  registry: Registry;
  syncTimeoutMs: number;
  resultTtlS: number;
  bodyLimit: string;
  shutdownTimeoutMs: number;
  /** V8 grows the old generation to (1 + this/100) × live before its next full GC; 0: V8's own (up to 4×). */
  heapGrowingPercent: number;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  /** NODE_ENV=production: without admin credentials the board is not mounted at all. */
  production: boolean;
  /** Basic-auth credentials for /admin/*; unset = board read-only (or absent in production). */
  admin?: { user: string; password: string };
  /** Bearer keys; empty = the API is open. */
  apiKeys: string[];
  /** Requests per client per minute; 0 = no limit. */
  rateLimitPerMinute: number;
  trustProxy: false | number | string[];
  /** Waiting texts at which new work is refused (503 queue_full); 0 = never. */
  maxQueueDepth: number;
  /** Result cache per caller (`client`) or one for all (`shared`). */
  cacheScope: 'client' | 'shared';
  /** Origins allowed by CORS; empty = no CORS headers at all. */
  corsOrigins: string[];
}

/** Reads the environment once (@sentiment/settings' rules); throws one ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const problems: string[] = redisSentinelProblems(env);
  const registry = registryFromEnv(RegistryEnv.parse(setVariables(env)), problems);
  const e = readEnv(Env, env, 'API', problems);
  return {
    port: e.PORT,
    host: e.HOST,
    redis: redisSettings(e),
    database: databaseOptions(e),
    queuePrefix: e.QUEUE_PREFIX,
    registry: registry!,
    syncTimeoutMs: e.SYNC_TIMEOUT_MS,
    resultTtlS: e.RESULT_TTL_S,
    bodyLimit: e.BODY_LIMIT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === 'production',
    admin: e.ADMIN_USER && e.ADMIN_PASSWORD ? { user: e.ADMIN_USER, password: e.ADMIN_PASSWORD } : undefined,
    apiKeys: e.API_KEYS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    maxQueueDepth: e.MAX_QUEUE_DEPTH,
    cacheScope: e.CACHE_SCOPE,
    corsOrigins: e.CORS_ORIGINS,
  };
}
