export { createApp, type AppDeps } from './app.js';
export { loadConfig, ConfigError, type ApiConfig } from './config.js';
export { createQueueClients, type QueueClients } from './queue-clients.js';
export { createPredictionJobs, type PredictionJobsOptions } from './jobs/create-prediction-jobs.js';
export type { PredictionJobs } from './jobs/prediction-jobs.js';
export { PRIORITY } from './jobs/submit.js';
export { connectDatabase, type Database } from './database.js';
