export { PredictionSchema, SENTIMENTS, type Prediction, type Sentiment } from './prediction.entity.js';
export { dbConfig, initOrm, migrateUp, migrateDown, MIGRATIONS_PATH, type DbOptions, type Orm } from './config.js';
export { createPredictionWriter, MAX_ROWS_PER_STATEMENT, type NewPrediction, type PredictionWriter } from './prediction-writer.js';
export {
  createAnalyticsRepository,
  type AnalyticsFilters,
  type AnalyticsRepository,
  type PredictionSummary,
  type RecentOptions,
  type RecentPage,
  type RecentPrediction,
  type SentimentDistribution,
} from './analytics-repository.js';
export { decodeRecentCursor, encodeRecentCursor, type RecentCursor } from './recent-cursor.js';
export { deleteOlderThan, DEFAULT_DELETE_CHUNK_SIZE, type DeleteOlderThanOptions } from './retention.js';
