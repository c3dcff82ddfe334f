import { EntitySchema } from '@mikro-orm/core';
import type { Sentiment } from '@sentiment/core';
import type { Grain } from './prediction-rollup.entity.js';

/**
 * A shadow run's answer next to the serving version's, for one item of a serving job (table
 * `model_comparisons`). Kept apart from `predictions`, so shadow answers never reach the serving
 * analytics; the input text stays in `predictions` (join on job_id, item_index).
 */
export interface ModelComparison {
  id: string;
  timestamp: Date;
  /** The serving job's id. */
  jobId: string;
  itemIndex: number;
  servingVersion: string;
  servingSentiment: Sentiment;
  servingConfidence: number;
  servingLatencyMs: number;
  shadowVersion: string;
  shadowSentiment: Sentiment;
  shadowConfidence: number;
  shadowLatencyMs: number;
}

export const ModelComparisonSchema = new EntitySchema<ModelComparison>({
  name: 'ModelComparison',
  tableName: 'model_comparisons',
  properties: {
    id: { type: 'uuid', primary: true },
    timestamp: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
    jobId: { type: 'string', length: 255 },
    itemIndex: { type: 'integer' },
    servingVersion: { type: 'string', length: 50 },
    servingSentiment: { type: 'string', length: 20 },
    servingConfidence: { type: 'double' },
    servingLatencyMs: { type: 'double' },
    shadowVersion: { type: 'string', length: 50 },
    shadowSentiment: { type: 'string', length: 20 },
    shadowConfidence: { type: 'double' },
    shadowLatencyMs: { type: 'double' },
  },
  // Time-range scans: the edges of a compare range, retention's oldest-first deletes.
  indexes: [{ name: 'model_comparisons_timestamp_index', properties: ['timestamp'] }],
  // One shadow answer per serving item and shadow version: a retried write stores nothing twice.
  uniques: [{ name: 'model_comparisons_job_id_item_index_shadow_version_unique', properties: ['jobId', 'itemIndex', 'shadowVersion'] }],
});

/**
 * Pairs per UTC minute, 10 minutes, hour and day (the GRAINS of prediction_rollup), version pair and
 * answer pair (table `model_comparison_rollup`), kept exact by the table's triggers (migration 20261207000000).
 */
export interface ModelComparisonRollup {
  grain: Grain;
  bucket: Date;
  servingVersion: string;
  shadowVersion: string;
  servingSentiment: string;
  shadowSentiment: string;
  n: string;
  sumServingConfidence: number;
  sumShadowConfidence: number;
  /** Null once every row of the bucket is gone. */
  maxServingLatencyMs: number | null;
  maxShadowLatencyMs: number | null;
}

export const ModelComparisonRollupSchema = new EntitySchema<ModelComparisonRollup>({
  name: 'ModelComparisonRollup',
  tableName: 'model_comparison_rollup',
  properties: {
    grain: { type: 'string', length: 6, primary: true },
    bucket: { type: 'datetime', columnType: 'timestamptz', primary: true },
    servingVersion: { type: 'string', length: 50, primary: true },
    shadowVersion: { type: 'string', length: 50, primary: true },
    servingSentiment: { type: 'string', length: 20, primary: true },
    shadowSentiment: { type: 'string', length: 20, primary: true },
    n: { type: 'bigint' },
    sumServingConfidence: { type: 'double' },
    sumShadowConfidence: { type: 'double' },
    maxServingLatencyMs: { type: 'double', nullable: true },
    maxShadowLatencyMs: { type: 'double', nullable: true },
  },
});

/** Latency histogram counts per rollup bucket, version pair, side (`serving` or `shadow`) and bin (latency-histogram.ts). */
export interface ModelComparisonLatencyRollup {
  grain: Grain;
  bucket: Date;
  servingVersion: string;
  shadowVersion: string;
  side: 'serving' | 'shadow';
  bin: number;
  n: string;
}

export const ModelComparisonLatencyRollupSchema = new EntitySchema<ModelComparisonLatencyRollup>({
  name: 'ModelComparisonLatencyRollup',
  tableName: 'model_comparison_latency_rollup',
  properties: {
    grain: { type: 'string', length: 6, primary: true },
    bucket: { type: 'datetime', columnType: 'timestamptz', primary: true },
    servingVersion: { type: 'string', length: 50, primary: true },
    shadowVersion: { type: 'string', length: 50, primary: true },
    side: { type: 'string', length: 7, primary: true },
    bin: { type: 'smallint', primary: true },
    n: { type: 'bigint' },
  },
});
