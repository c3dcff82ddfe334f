import { z } from 'zod';

/** GET /health: the process runs. */
export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;

const Check = z.enum(['ok', 'down']);

/**
 * GET /ready. 200 `ok`; 200 `degraded` while predictions still work but something needs an operator
 * (Postgres down: rows wait in Redis; Redis without persistence); 503 `unavailable` when requests
 * would fail (Redis down, no worker, rows refused by Postgres for good). `problems` says why in words.
 */
export const Readiness = z
  .union([
    z.object({
      status: z.enum(['ok', 'degraded', 'unavailable']),
      checks: z.object({
        redis: Check,
        postgres: Check,
        workers: z.number().int().min(0).meta({ description: 'Workers connected to the prediction queue.' }),
        writes: z.enum(['ok', 'refused']).meta({ description: 'refused: Postgres rejects prediction rows for good (e.g. a column too short); those jobs fail.' }),
        persistence: z
          .enum(['aof', 'snapshots', 'none', 'unknown'])
          .meta({ description: "Redis persistence: with 'none' a Redis restart loses queued jobs, results and Idempotency-Keys." }),
      }),
      problems: z.array(z.string()),
    }),
    z.object({ status: z.literal('draining').meta({ description: 'The API is shutting down.' }) }),
  ])
  .meta({ id: 'Readiness' });
export type Readiness = z.infer<typeof Readiness>;
