import type { Server } from 'node:http';
import { pino } from 'pino';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { connectDatabase } from './database.js';
import { createPredictionJobs } from './prediction-jobs.js';
import { createQueueClients } from './queue-clients.js';

function readConfig() {
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
const logger = pino({ level: config.logLevel, name: 'api' });

// Neither client blocks on its service: both retry in the background and /ready reports them.
const clients = createQueueClients({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger });
const db = await connectDatabase({ clientUrl: config.databaseUrl, schema: config.databaseSchema, logger });
const jobs = createPredictionJobs(clients, { resultTtlS: config.resultTtlS });

const app = createApp({
  jobs,
  analytics: db.analytics,
  boardQueues: [clients.predictionQueue, clients.persistQueue],
  logger,
  syncTimeoutMs: config.syncTimeoutMs,
  bodyLimit: config.bodyLimit,
});

const server: Server = app.listen(config.port, config.host, (err?: Error) => {
  if (err) {
    logger.fatal({ err }, 'could not listen');
    process.exit(1);
  }
  logger.info({ port: config.port, host: config.host }, 'api listening');
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: no new connections, letting in-flight requests finish');
  // Past the deadline, cut the remaining connections rather than hang the deploy.
  const deadline = setTimeout(() => {
    logger.warn('in-flight requests did not finish in time; closing their connections');
    server.closeAllConnections();
  }, config.shutdownTimeoutMs);
  deadline.unref();

  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  clearTimeout(deadline);
  await Promise.allSettled([clients.close(), db.close()]);
  logger.info('bye');
  process.exit(0);
}

process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
