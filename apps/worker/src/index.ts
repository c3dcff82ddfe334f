// Factories only: importing this module starts nothing (main.ts does).
export { loadConfig, ConfigError, type WorkerConfig } from './config.js';
export { createBatcher, type Batcher, type BatcherOptions, type Submission } from './batcher.js';
export { createRowSink, type RowSink } from './row-sink.js';
export { makeProcessor } from './processor.js';
export { makePersistProcessor, type PersistJobResult } from './persist-processor.js';
export { makeRetentionProcessor, RETENTION_CHUNK_SIZE, RETENTION_MAX_ROWS_PER_RUN } from './retention-processor.js';
export { scheduleRetention, type RetentionSchedule } from './retention-schedule.js';
export { checkRoutes, type Route } from './routes.js';
export { startWorker } from './start.js';
