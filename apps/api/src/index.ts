export { createApp, type AppDeps } from './app.js';
export { loadConfig, ConfigError, type ApiConfig } from './config.js';
export { createQueueClients, type QueueClients } from './queue-clients.js';
export { createPredictionJobs, PRIORITY, type PredictionJobs } from './prediction-jobs.js';
export { connectDatabase, type Database } from './database.js';
