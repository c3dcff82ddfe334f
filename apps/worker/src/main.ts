// Entry point: the only module with side effects (reads env, starts Workers, handles signals).
import { limitHeapGrowth } from '@sentiment/settings';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { installShutdown } from './shutdown.js';
import { startWorker } from './start.js';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

// Before any thread starts; V8 reads it at every GC in every thread (docs/benchmarks.md, Memory).
limitHeapGrowth(config.heapGrowingPercent);
const logger = createLogger(config.logLevel);
try {
  const steps = await startWorker(config, logger);
  installShutdown(steps, { timeoutMs: config.shutdownTimeoutMs, logger });
} catch (err) {
  logger.fatal({ err }, 'worker failed to start');
  process.exit(1);
}
