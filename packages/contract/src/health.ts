import { z } from 'zod';

/** GET /health: the process runs. */
export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;

const Check = z.enum(['ok', 'down']);

/**
 * GET /ready. 200 `ok`; 200 `degraded` while predictions still work but something needs an operator
 * (Postgres down: rows wait in Redis; Redis without persistence; the analytics replica down or lagging); 503 `unavailable` when requests
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
        replica: z.enum(['ok', 'lagging', 'down', 'off']).optional().meta({
          description:
            'The analytics read replica (ANALYTICS_DATABASE_URL): ok (analytics are read from it), lagging (more than ANALYTICS_MAX_LAG_S behind, or its lag unknown) and down (no answer) both send analytics to the primary and make the status degraded, never unavailable; off: none configured. Absent from APIs older than the replica.',
        }),
        replica_lag_s: z.number().min(0).nullable().optional().meta({
          description: "Seconds the replica's replayed data is behind the primary, as the replica measures it (0 when it has replayed all it received); null when off, down, or the server is not a standby.",
        }),
      }),
      problems: z.array(z.string()),
    }),
    z.object({ status: z.literal('draining').meta({ description: 'The API is shutting down.' }) }),
  ])
  .meta({ id: 'Readiness' });
export type Readiness = z.infer<typeof Readiness>;
