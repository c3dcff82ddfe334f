import { z } from 'zod';

/** GET /health: the process runs. */
export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;

const Check = z.enum(['ok', 'down']);

/** GET /ready: 200 when Redis and Postgres answer and at least one worker is connected, else 503 naming what is down. */
export const Readiness = z
  .union([
    z.object({
      status: z.enum(['ok', 'unavailable']),
      checks: z.object({
        redis: Check,
        postgres: Check,
        workers: z.number().int().min(0).meta({ description: 'Workers connected to the prediction queue.' }),
      }),
    }),
    z.object({ status: z.literal('draining').meta({ description: 'The API is shutting down.' }) }),
  ])
  .meta({ id: 'Readiness' });
export type Readiness = z.infer<typeof Readiness>;
