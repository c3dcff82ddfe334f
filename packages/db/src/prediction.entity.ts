import { EntitySchema } from '@mikro-orm/core';
import type { Sentiment } from '@sentiment/core';

/** The values of predicted_sentiment: the system's one sentiment list. */
export { SENTIMENTS, type Sentiment } from '@sentiment/core';

/**
 * One model output for one item of a batch job (row of table `predictions`). A class, so the writer can
 * `new` entities and persist them: em.create runs the entity factory for each (an identity-map lookup
 * under the composite key, then hydration), a third of the unit of work's CPU per row
 * (docs/benchmarks.md). `declare`: the fields emit no code, MikroORM owns them.
 */
export class Prediction {
  declare id: string;
  declare timestamp: Date;
  declare inputText: string | null;
  declare predictedSentiment: Sentiment;
  declare confidenceScore: number;
  /** Wall time of the model call that produced this prediction. */
  declare latencyMs: number;
  declare modelVersion: string;
  declare cacheHit: boolean;
  /** BullMQ job id (a uuid, stored as a string). */
  declare jobId: string;
  declare itemIndex: number;
}

// Column names come from MikroORM's default UnderscoreNamingStrategy (camelCase -> snake_case).
// The table is partitioned by day of "timestamp" (Migration20261208000000, partitions.ts), and Postgres
// wants the partition key in every unique index: hence the (id, timestamp) key. ids alone stay unique
// (they derive from job and item), and the writers keep (job, item) unique (stored-rows.ts).
export const PredictionSchema = new EntitySchema<Prediction>({
  class: Prediction,
  tableName: 'predictions',
  properties: {
    id: { type: 'uuid', primary: true },
    timestamp: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', primary: true },
    inputText: { type: 'text', nullable: true },
    predictedSentiment: { type: 'string', length: 20 },
    confidenceScore: { type: 'double' },
    latencyMs: { type: 'double' },
    modelVersion: { type: 'string', length: 50 },
    cacheHit: { type: 'boolean', default: false },
    jobId: { type: 'string', length: 255 },
    itemIndex: { type: 'integer' },
  },
  // Aggregates read the rollup tables (prediction-rollup.entity.ts), so the raw table only needs what
  // scans the rows themselves: both indexes match /analytics/recent's order (timestamp desc, id desc),
  // without and with a model filter, and serve time-range edges, min/max(timestamp) and retention.
  indexes: [
    { name: 'predictions_timestamp_id_index', properties: ['timestamp', 'id'] },
    { name: 'predictions_model_version_timestamp_id_index', properties: ['modelVersion', 'timestamp', 'id'] },
  ],
  // Per partition only (with the timestamp): the writers' lock per job makes (job, item) unique across days.
  uniques: [{ name: 'predictions_job_id_item_index_timestamp_unique', properties: ['jobId', 'itemIndex', 'timestamp'] }],
});
