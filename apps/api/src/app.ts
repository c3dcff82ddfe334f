import express, { type Express } from 'express';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RoutedAnalytics } from './analytics-routing.js';
import { countingTexts, refuseWhenFull } from './backpressure/queue-full.js';
import { queueDepth } from './backpressure/queue-depth.js';
import { errorHandler, notFound } from './error-handler.js';
import { MAX_BATCH_TEXTS, maxJsonBytes } from '@sentiment/queue';
import { byteSize } from './config.js';
import { jsonBody } from './json-body.js';
import type { ApiMetrics } from './metrics.js';
import type { PredictionJobs } from './jobs/prediction-jobs.js';
import type { ModelRouter } from './models/model-router.js';
import { adminRoutingRouter, ROUTING_PATH } from './routes/admin-routing.js';
import { modelsRouter } from './routes/models.js';
import { requestLogging } from './request-logging.js';
import { analyticsRouter } from './routes/analytics.js';
import { batchRouter } from './routes/batch.js';
import { BOARD_PATH, boardRouter, withoutRemoteFonts } from './routes/board.js';
import { DASHBOARD_PATH, dashboardRouter } from './routes/dashboard.js';
import { docsRouter } from './routes/docs.js';
import { healthRouter } from './routes/health.js';
import type { RedisHealth } from './redis-health.js';
import { metricsRouter } from './routes/metrics.js';
import { jobsRouter } from './routes/jobs.js';
import { predictRouter } from './routes/predict.js';
import { boardMode, localOnly, sameOriginWrites, type AccessOptions } from './security/access.js';
import { adminAuth } from './security/admin-auth.js';
import { apiKeyGate } from './security/api-keys.js';
import { corsFor, isUnder, securityHeaders } from './security/headers.js';
import { rateLimiter } from './security/rate-limit.js';

const ADMIN_PATH = '/admin';

export interface AppDeps {
  jobs: PredictionJobs;
  /** Which model answers a request; GET /models and /admin/routing. */
  models: ModelRouter;
  /** Analytics queries; with a read replica, `routing` feeds /ready and /metrics. */
  analytics: RoutedAnalytics;
  /** What /ready reads besides the queue: refused writes and Redis persistence. */
  redisHealth: RedisHealth;
  /** Queues shown in Bull Board (the prediction and persist queues). */
  boardQueues: Queue[];
  logger: Logger;
  /** How long POST /predict and /batch wait for a result before answering 202. */
  syncTimeoutMs: number;
  /** Largest accepted JSON body, e.g. `16mb` (a /jobs request may carry 10,000 texts). */
  bodyLimit: string;
  /** Who may call what, CORS, rate limits. Omitted: open, unlimited, board read-only. */
  access?: AccessOptions;
  /** True once shutdown began: /ready answers 503 and responses ask clients to close the connection. */
  draining?: () => boolean;
  /** Refuse new work once `maxQueueDepth` texts wait in the prediction queues (of BullMQ prefix `prefix`). Omitted or 0: never. */
  backpressure?: { maxQueueDepth: number; prefix: string; redis: Redis; cacheMs?: number };
  /** Prometheus metrics: request timing and GET /metrics. Omitted: neither. */
  metrics?: ApiMetrics;
}

/** Builds the Express app; no I/O happens until a request arrives. */
export function createApp(deps: AppDeps): Express {
  const { analytics, syncTimeoutMs, logger, access = {}, backpressure } = deps;
  const apiKeys = access.apiKeys ?? [];
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', access.trustProxy ?? false);

  if (deps.metrics) app.use(deps.metrics.timeRequests); // first, so its timing covers every middleware
  if (deps.metrics && analytics.routing) deps.metrics.analyticsRouting(analytics.routing);
  app.use(requestLogging(logger));
  const draining = deps.draining ?? (() => false);
  app.use((_req, res, next) => {
    if (draining()) res.set('Connection', 'close');
    next();
  });
  app.use(securityHeaders(BOARD_PATH));
  const cors = corsFor(access.corsOrigins ?? []);
  if (cors) app.use(cors); // before auth: preflights carry no credentials
  // Any OPTIONS the CORS handler did not answer: Express would answer 200 with an HTML list of methods.
  app.use((req, res, next) => (req.method === 'OPTIONS' ? void res.status(204).end() : next()));
  if (access.rateLimit?.perMinute) {
    const { perMinute, redis, prefix } = access.rateLimit;
    app.use(rateLimiter({ perMinute, redis, prefix, apiKeys, logger }));
  }
  if (deps.metrics) app.use(metricsRouter(deps.metrics.registry, apiKeys)); // valid scrapes pass the limiter unlimited

  // Before the API's JSON rules: the board has its own parser and form-less PUTs.
  const board = boardMode(access);
  app.use(DASHBOARD_PATH, dashboardRouter({ analytics, access })); // guards itself like the board; before the API-key gate
  app.use(docsRouter()); // /openapi.json and /docs: public like /health (no secrets; a browser cannot send a key to load them)
  if (access.admin) app.use(ADMIN_PATH, sameOriginWrites(), adminAuth(access.admin));
  if (apiKeys.length > 0) app.use(apiKeyGate(apiKeys, (path) => board === 'protected' && isUnder(path, ADMIN_PATH)));
  if (board === 'read-only') app.use(BOARD_PATH, localOnly('Bull Board'));
  if (board !== 'absent') app.use(BOARD_PATH, withoutRemoteFonts, boardRouter(deps.boardQueues, { readOnly: board === 'read-only' }));
  app.use(ROUTING_PATH, jsonBody('64kb'), adminRoutingRouter({ models: deps.models, writable: access.admin !== undefined }));
  app.use(healthRouter({ jobs: deps.jobs, analytics, redisHealth: deps.redisHealth, models: deps.models, draining }));

  let jobs = deps.jobs;
  if (backpressure?.maxQueueDepth) {
    const depth = queueDepth({ ...backpressure, logger });
    jobs = countingTexts(jobs, depth, logger);
    // Before the body is parsed: refusing must stay cheap when the system is overloaded.
    app.use(['/predict', '/batch', '/jobs'], refuseWhenFull(depth, backpressure.maxQueueDepth, logger));
  }

  // Each route reads at most what its largest valid body needs (texts × characters × JSON escaping),
  // so a /predict never costs the parse of a 16 MB body; /jobs takes BODY_LIMIT.
  const limitFor = (texts: number) => Math.min(maxJsonBytes(texts), byteSize(deps.bodyLimit));
  const intake = { jobs, models: deps.models };
  app.use('/predict', jsonBody(limitFor(1)), predictRouter({ ...intake, syncTimeoutMs }));
  app.use('/batch', jsonBody(limitFor(MAX_BATCH_TEXTS)), batchRouter({ ...intake, syncTimeoutMs }));
  app.use('/jobs', jsonBody(deps.bodyLimit), jobsRouter(intake));
  app.use('/models', modelsRouter({ models: deps.models }));
  app.use('/analytics', analyticsRouter({ analytics }));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
