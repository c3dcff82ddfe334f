export { Prediction, PredictionSchema, SENTIMENTS, type Sentiment } from './prediction.entity.js';
export { cliConfig, dbConfig, initOrm, migrateUp, migrateDown, migratorOf, MIGRATIONS_PATH, type Orm } from './config.js';
export { queryBuilderLog, type DbOptions } from './options.js';
export { createPredictionWriter } from './create-prediction-writer.js';
export { startThreadedPredictionWriter, type ThreadedPredictionWriter, type ThreadedWriterOptions } from './threaded-writer.js';
export { createComparisonWriter, type ComparisonWriter, type ComparisonWriterOptions, type ModelComparisonRow } from './comparison-writer.js';
export {
  ModelComparisonLatencyRollupSchema,
  ModelComparisonRollupSchema,
  ModelComparisonSchema,
  type ModelComparison,
} from './model-comparison.entity.js';
export { WRITER_KINDS, type PredictionWriter, type PredictionWriterOptions, type WriterKind } from './prediction-writer.js';
export type { NewPrediction } from './prediction-rows.js';
export { createAnalyticsRepository } from './analytics/repository.js';
// What the repository answers (AnalyticsSummary, Timeseries, ...) is @sentiment/contract's.
export type { AnalyticsFilters, AnalyticsRepository, CompareOptions, RecentOptions, RecentPage, TimeseriesOptions } from './analytics/types.js';
export { GRAIN_WIDTH, GRAINS, PredictionLatencyRollupSchema, PredictionRollupSchema, type Grain } from './prediction-rollup.entity.js';
export { LATENCY_RELATIVE_ERROR, LATENCY_RESOLUTION, latencyBin } from './latency-histogram.js';
export { rebuildRollups } from './rollup-rebuild.js';
export { replicationStatus, type ReplicationStatus } from './replication.js';
export { decodeRecentCursor, encodeRecentCursor, type RecentCursor } from './recent-cursor.js';
export { deleteOlderThan, DEFAULT_DELETE_CHUNK_SIZE, retentionStore, type DeleteOlderThanOptions, type DeletedRows, type RetentionStore } from './retention.js';
export { dropPartitionsBefore, ensurePartitions, listPartitions, PARTITION_WIDTH_MS, PARTITIONS_AHEAD_DAYS, type DroppedPartitions, type Partition } from './partitions.js';
export { PermanentWriteError, permanentWriteError } from './write-errors.js';
export { DatabaseEnv, databaseOptions, databaseSettings, DEFAULT_DATABASE_URL } from './settings.js';
export { createTextCipher, isEncryptedText, parseTextKeys, type TextCipher, type TextKey } from './text-cipher.js';
export { eraseInputTexts, readInputTexts, type StoredText } from './input-texts.js';
