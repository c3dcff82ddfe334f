import type { Server } from 'node:http';
import { limitHeapGrowth } from '@sentiment/settings';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type ApiConfig } from './config.js';
import { connectDatabase } from './database.js';
import { createLogger } from './logger.js';
import { createApiMetrics } from './metrics.js';
import { hardenServer } from './http-server.js';
import { createPredictionJobs } from './jobs/create-prediction-jobs.js';
import { createModelRouter } from './models/model-router.js';
import { createQueueClients } from './queue-clients.js';
import { createRedisHealth, warnWithoutPersistence } from './redis-health.js';
import { BOARD_PATH } from './routes/board.js';
import { boardMode } from './security/access.js';
import { rateLimitKeyPrefix } from './security/rate-limit.js';

function readConfig(): ApiConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

const config = readConfig();
// The API's live heap is small (~50 MB) but it allocates fast: with V8's default growth, promoted request
// garbage piled up to ~190 MB between full GCs, a sawtooth of ±20% RSS (measured with the limit: ±3%).
limitHeapGrowth(config.heapGrowingPercent);
const logger = createLogger(config.logLevel);

// Neither client blocks on its service: both retry in the background and /ready reports them.
const clients = createQueueClients({ redis: config.redis, prefix: config.queuePrefix, models: [...config.registry.models.keys()], logger });
const db = await connectDatabase({ ...config.database, logger });
let redisFullLoggedAt = 0;
const jobs = createPredictionJobs(clients, {
  resultTtlS: config.resultTtlS,
  cacheScope: config.cacheScope,
  onRedisFull(err) {
    if (Date.now() - redisFullLoggedAt < 10_000) return;
    redisFullLoggedAt = Date.now();
    logger.error(
      { err: err.message },
      'Redis is out of memory (maxmemory reached): new work is refused with 503 queue_full. Raise maxmemory (README, "Redis sizing") or lower RESULT_TTL_S',
    );
  },
});

const apiMetrics = createApiMetrics({ queues: [...clients.predictionQueues.all(), clients.persistQueue], redis: clients.redis, logger });
const models = createModelRouter({
  registry: config.registry,
  redis: clients.redis,
  prefix: config.queuePrefix,
  logger,
  onChoice: apiMetrics.modelChosen,
  onRouting: apiMetrics.routingApplied,
});
logger.info({ registry: config.registry.origin, models: [...config.registry.models.keys()] }, 'model registry');

let stopping = false;
const redisHealth = createRedisHealth(clients.redis, config.queuePrefix);
warnWithoutPersistence(clients.redis, redisHealth, logger);
const app = createApp({
  draining: () => stopping,
  jobs,
  models,
  redisHealth,
  analytics: db.analytics,
  boardQueues: [...clients.predictionQueues.all(), clients.persistQueue, clients.maintenanceQueue],
  logger,
  syncTimeoutMs: config.syncTimeoutMs,
  bodyLimit: config.bodyLimit,
  access: {
    production: config.production,
    admin: config.admin,
    apiKeys: config.apiKeys,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    rateLimit: { perMinute: config.rateLimitPerMinute, redis: clients.redis, prefix: rateLimitKeyPrefix(config.queuePrefix) },
  },
  backpressure: { maxQueueDepth: config.maxQueueDepth, prefix: config.queuePrefix, redis: clients.redis },
  metrics: apiMetrics,
});
logStartupWarnings();

function logStartupWarnings(): void {
  const board = boardMode(config);
  if (board === 'read-only') {
    logger.warn({ path: BOARD_PATH }, 'ADMIN_USER/ADMIN_PASSWORD not set: Bull Board and the dashboard are read-only and served to this machine only');
  } else if (board === 'absent') {
    logger.warn({ path: BOARD_PATH }, 'ADMIN_USER/ADMIN_PASSWORD not set in production: Bull Board is not mounted');
  }
  if (config.apiKeys.length === 0) logger.info('API_KEYS not set: the API accepts requests without a key');
}

const server: Server = app.listen(config.port, config.host, (err?: Error) => {
  if (err) {
    logger.fatal({ err }, 'could not listen');
    process.exit(1);
  }
  logger.info({ port: config.port, host: config.host }, 'api listening');
});
hardenServer(server);

/** How long the API keeps serving after SIGTERM (with /ready 503), so balancers and clients move away. */
const drainMs = Math.min(5000, config.shutdownTimeoutMs / 2);

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, drainMs }, 'shutting down: /ready answers 503, draining, then closing');
  // Past the deadline, cut the remaining connections rather than hang the deploy.
  const deadline = setTimeout(() => {
    logger.warn('in-flight requests did not finish in time; closing their connections');
    server.closeAllConnections();
  }, config.shutdownTimeoutMs);
  deadline.unref();

  // Requests already sent (even ones not read yet) are served during the drain; responses carry
  // `Connection: close`, so keep-alive clients reconnect elsewhere instead of hitting a closed socket.
  await new Promise((resolve) => setTimeout(resolve, drainMs));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  clearTimeout(deadline);
  models.close();
  await Promise.allSettled([clients.close(), db.close()]);
  logger.info('bye');
  process.exit(0);
}

process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
