import express, { type Express } from 'express';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { AnalyticsRepository } from '@sentiment/db';
import { errorHandler, notFound } from './error-handler.js';
import { jsonBody } from './json-body.js';
import type { PredictionJobs } from './prediction-jobs.js';
import { requestLogging } from './request-logging.js';
import { analyticsRouter } from './routes/analytics.js';
import { batchRouter } from './routes/batch.js';
import { BOARD_PATH, boardRouter } from './routes/board.js';
import { healthRouter } from './routes/health.js';
import { jobsRouter } from './routes/jobs.js';
import { predictRouter } from './routes/predict.js';

export interface AppDeps {
  jobs: PredictionJobs;
  analytics: AnalyticsRepository;
  /** Queues shown in Bull Board (the prediction and persist queues). */
  boardQueues: Queue[];
  logger: Logger;
  /** How long POST /predict and /batch wait for a result before answering 202. */
  syncTimeoutMs: number;
  /** Largest accepted JSON body, e.g. `16mb` (a /jobs request may carry 10,000 texts). */
  bodyLimit: string;
}

/** Builds the Express app; no I/O happens until a request arrives. */
export function createApp(deps: AppDeps): Express {
  const { jobs, analytics, syncTimeoutMs } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(requestLogging(deps.logger));
  app.use(healthRouter({ jobs, analytics }));
  // Before the API's JSON rules: the board has its own parser and form-less PUTs.
  app.use(BOARD_PATH, boardRouter(deps.boardQueues));

  const body = jsonBody(deps.bodyLimit);
  app.use('/predict', body, predictRouter({ jobs, syncTimeoutMs }));
  app.use('/batch', body, batchRouter({ jobs, syncTimeoutMs }));
  app.use('/jobs', body, jobsRouter({ jobs }));
  app.use('/analytics', analyticsRouter({ analytics }));

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
