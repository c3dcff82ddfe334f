import { Router } from 'express';
import type { AnalyticsRepository } from '@sentiment/db';
import type { Readiness } from '@sentiment/contract';
import type { AnalyticsRouting } from '../analytics-routing.js';
import type { PredictionJobs } from '../jobs/prediction-jobs.js';
import type { ModelRouter } from '../models/model-router.js';
import type { RedisHealth } from '../redis-health.js';

/** A readiness probe must answer quickly even when a dependency hangs. */
const CHECK_TIMEOUT_MS = 2000;

export interface HealthDeps {
  jobs: PredictionJobs;
  /** `ping` is the primary's; `routing` (with ANALYTICS_DATABASE_URL) says how the read replica fares. */
  analytics: Pick<AnalyticsRepository, 'ping'> & { routing?: AnalyticsRouting };
  redisHealth: RedisHealth;
  /** The models served: one that gets traffic with no worker serving it makes /ready fail. */
  models?: Pick<ModelRouter, 'list'>;
  /** True once shutdown began: /ready says so, so load balancers stop sending traffic. */
  draining?: () => boolean;
}

type Checks = Extract<Readiness, { checks: unknown }>['checks'];

/**
 * GET /health (liveness: the process runs) and GET /ready. /ready is 503 only when requests would fail
 * (Redis down, no worker, rows refused for good). With only Postgres down predictions go on (rows wait
 * in Redis), so it stays 200 `degraded`: a balancer following it must not take every instance out.
 * The analytics replica never makes it 503 either: while it is down or lagging the primary answers.
 * Its state is the routing's last background check (never a wait here).
 */
export function healthRouter({ jobs, analytics, redisHealth, models, draining = () => false }: HealthDeps): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/ready', async (_req, res) => {
    if (draining()) {
      res.status(503).json({ status: 'draining' } satisfies Readiness);
      return;
    }
    const redisOk = await withTimeout(jobs.redisAnswers(), false);
    const [postgresOk, workers, rejections, persistence] = await Promise.all([
      withTimeout(analytics.ping().then(() => true, () => false), false),
      redisOk ? withTimeout(jobs.workersCount().catch(() => 0), 0) : 0,
      redisOk ? withTimeout(redisHealth.writeRejections().catch(() => []), []) : [],
      redisOk ? withTimeout(redisHealth.persistence(), 'unknown' as const) : ('unknown' as const),
    ]);
    const checks: Checks = {
      redis: redisOk ? 'ok' : 'down',
      postgres: postgresOk ? 'ok' : 'down',
      workers,
      writes: rejections.length > 0 ? 'refused' : 'ok',
      persistence,
      ...replicaCheck(analytics.routing),
    };
    const failing: string[] = [];
    const degraded: string[] = [];
    if (!redisOk) failing.push('redis: unreachable; nothing can be queued or read back');
    else if (workers === 0) failing.push('workers: none connected to the prediction queue; requests would wait and turn into 202s');
    for (const r of rejections.slice(0, 3)) failing.push(`writes: ${r.message}`);
    if (redisOk && workers > 0) {
      for (const m of models?.list().models ?? []) {
        if (m.traffic_share > 0 && m.versions.length === 0) {
          failing.push(`models: ${m.name} gets ${Math.round(m.traffic_share * 100)}% of the routed traffic but no worker serves it; its requests would wait and turn into 202s`);
        }
      }
    }
    const replica = analytics.routing?.health();
    if (!postgresOk) {
      degraded.push(
        replica?.state === 'ok'
          ? 'postgres: unreachable; predictions continue and their rows wait in the persist queue, analytics are read from the replica'
          : 'postgres: unreachable; predictions continue and their rows wait in the persist queue, analytics answer 503',
      );
    }
    if (replica?.state === 'down') {
      degraded.push(`replica: ANALYTICS_DATABASE_URL does not answer (${replica.error ?? 'no answer'}); analytics are read from the primary`);
    } else if (replica?.state === 'lagging') {
      degraded.push(
        replica.lagS === null
          ? 'replica: its replay lag is unknown (nothing replayed yet); analytics are read from the primary until it reports one'
          : `replica: ${round(replica.lagS)} s behind the primary (ANALYTICS_MAX_LAG_S ${analytics.routing!.maxLagS}); analytics are read from the primary until it catches up`,
      );
    } else if (replica?.standby === false) {
      degraded.push('replica: the server at ANALYTICS_DATABASE_URL is not a standby (pg_is_in_recovery() is false; promoted?): analytics read it, no lag is measured');
    }
    if (persistence === 'none') degraded.push('redis: persistence is off (no AOF, no snapshots); a restart loses queued jobs, results and Idempotency-Keys');
    const status = failing.length > 0 ? 'unavailable' : degraded.length > 0 ? 'degraded' : 'ok';
    res.status(status === 'unavailable' ? 503 : 200).json({ status, checks, problems: [...failing, ...degraded] } satisfies Readiness);
  });

  return router;
}

function replicaCheck(routing: AnalyticsRouting | undefined): Pick<Checks, 'replica' | 'replica_lag_s'> {
  if (!routing) return { replica: 'off', replica_lag_s: null };
  const { state, lagS } = routing.health();
  return { replica: state, replica_lag_s: lagS === null ? null : round(lagS) };
}

const round = (s: number) => Math.round(s * 1000) / 1000;

function withTimeout<T>(promise: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
