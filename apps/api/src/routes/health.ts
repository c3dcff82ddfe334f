import { Router } from 'express';
import type { AnalyticsRepository } from '@sentiment/db';
import type { PredictionJobs } from '../prediction-jobs.js';

/** A readiness probe must answer quickly even when a dependency hangs. */
const CHECK_TIMEOUT_MS = 2000;

export interface HealthDeps {
  jobs: PredictionJobs;
  analytics: Pick<AnalyticsRepository, 'ping'>;
  /** True once shutdown began: /ready says so, so load balancers stop sending traffic. */
  draining?: () => boolean;
}

/** GET /health (liveness: the process runs) and GET /ready (Redis, Postgres and a worker are there). */
export function healthRouter({ jobs, analytics, draining = () => false }: HealthDeps): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/ready', async (_req, res) => {
    if (draining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const [redisOk, postgresOk, workers] = await Promise.all([
      withTimeout(jobs.redisAnswers(), false),
      withTimeout(
        analytics.ping().then(() => true, () => false),
        false,
      ),
      withTimeout(jobs.workersCount().catch(() => 0), 0),
    ]);
    const ready = redisOk && postgresOk && workers > 0;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ok' : 'unavailable',
      checks: { redis: redisOk ? 'ok' : 'down', postgres: postgresOk ? 'ok' : 'down', workers },
    });
  });

  return router;
}

function withTimeout<T>(promise: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
