import { z } from 'zod';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Redis variables the API, the worker and `npm start` read alike. */
export const RedisEnv = z.object({
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, message: 'expected a redis or rediss URL' })
    .default(DEFAULT_REDIS_URL)
    .describe("BullMQ's Redis (the same for the API and the workers)."),
  QUEUE_PREFIX: z.string().min(1).default('bull').describe('BullMQ key prefix (isolates deployments sharing a Redis); the same for the API and the workers.'),
});
export type RedisEnv = z.infer<typeof RedisEnv>;
