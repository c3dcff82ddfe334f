import { z } from 'zod';

/** Byte sizes as body-parser understands them: `16mb`, `512kb`, `1000`. */
const ByteSize = z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, { message: 'expected a size like 16mb or 512kb' });
const Url = (protocols: string[]) =>
  z.url({ protocol: new RegExp(`^(${protocols.join('|')})$`), message: `expected a ${protocols.join(' or ')} URL` });
const PositiveInt = z.coerce.number().int().positive();

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: Url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  DATABASE_URL: Url(['postgres', 'postgresql']).default('postgresql://postgres@127.0.0.1:5432/postgres'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/i, { message: 'expected a plain identifier' })
    .optional(),
  QUEUE_PREFIX: z.string().min(1).default('bull'),
  SYNC_TIMEOUT_MS: PositiveInt.default(2000),
  RESULT_TTL_S: PositiveInt.default(3600),
  BODY_LIMIT: ByteSize.default('16mb'),
  SHUTDOWN_TIMEOUT_MS: PositiveInt.default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ApiConfig {
  port: number;
  host: string;
  redisUrl: string;
  databaseUrl: string;
  databaseSchema?: string;
  queuePrefix: string;
  syncTimeoutMs: number;
  resultTtlS: number;
  bodyLimit: string;
  shutdownTimeoutMs: number;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once; throws one error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  // Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid API environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    queuePrefix: e.QUEUE_PREFIX,
    syncTimeoutMs: e.SYNC_TIMEOUT_MS,
    resultTtlS: e.RESULT_TTL_S,
    bodyLimit: e.BODY_LIMIT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
  };
}
