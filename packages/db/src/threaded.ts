// @sentiment/db for a process whose ORM lives in writer threads (the worker): nothing here loads MikroORM,
// knex or pg, so the process' event loop holds no copy of them (docs/benchmarks.md, "Memory"); only types
// come from the modules that do.
export { DatabaseEnv, databaseOptions, databaseSettings, DEFAULT_DATABASE_URL } from './settings.js';
export { DEFAULT_BATCH_SIZE, queryBuilderLog, type DbOptions } from './options.js';
export { parseTextKeys, type TextKey } from './text-cipher.js';
export { WRITER_KINDS, type PredictionWriter, type WriterKind } from './prediction-writer.js';
export { PermanentWriteError } from './write-errors.js';
export { startThreadedPredictionWriter, type ThreadedPredictionWriter, type ThreadedWriterOptions } from './threaded-writer.js';
export type { NewPrediction } from './prediction-rows.js';
export type { ComparisonWriter, ModelComparisonRow } from './comparison-writer.js';
export type { DeletedRows, DeleteOlderThanOptions, RetentionStore } from './retention.js';
