import { EntitySchema } from '@mikro-orm/core';
import { BUCKET_MS, type TimeBucket } from '@sentiment/core';

/** Rollup granularities, finest first. Ten minutes keeps the minute-level edges of a range short. */
export const GRAINS = ['minute', '10min', 'hour', 'day'] as const satisfies readonly TimeBucket[];
export type Grain = (typeof GRAINS)[number];

/**
 * Width of each grain's buckets (BUCKET_MS of @sentiment/core), in ms and as a Postgres interval;
 * buckets are `date_bin(width, timestamp, ROLLUP_ORIGIN)`, i.e. aligned in UTC.
 */
export const GRAIN_WIDTH = Object.fromEntries(GRAINS.map((g) => [g, { ms: BUCKET_MS[g], sql: `interval '${BUCKET_MS[g] / 1000} seconds'` }])) as Record<
  Grain,
  { ms: number; sql: string }
>;
export const ROLLUP_ORIGIN = `timestamptz '2000-01-01 00:00:00+00'`;

/**
 * Aggregates of `prediction` per UTC minute, 10 minutes, hour and day and model version (table `prediction_rollup`).
 * Kept exact by the same statements that insert (prediction-writer.ts) and delete (retention.ts) rows;
 * analytics read these instead of the raw rows, so their cost does not grow with the row count.
 */
export interface PredictionRollup {
  grain: Grain;
  /** Start of the UTC minute/10 minutes/hour/day. */
  bucket: Date;
  modelVersion: string;
  n: string;
  nNegative: string;
  nNeutral: string;
  nPositive: string;
  cacheHits: string;
  sumConfidence: number;
  sumLatencyMs: number;
  /** Null once every row of the bucket is gone. */
  maxLatencyMs: number | null;
}

export const PredictionRollupSchema = new EntitySchema<PredictionRollup>({
  name: 'PredictionRollup',
  tableName: 'prediction_rollup',
  properties: {
    grain: { type: 'string', length: 6, primary: true },
    bucket: { type: 'datetime', columnType: 'timestamptz', primary: true },
    modelVersion: { type: 'string', length: 50, primary: true },
    n: { type: 'bigint' },
    nNegative: { type: 'bigint' },
    nNeutral: { type: 'bigint' },
    nPositive: { type: 'bigint' },
    cacheHits: { type: 'bigint' },
    sumConfidence: { type: 'double' },
    sumLatencyMs: { type: 'double' },
    maxLatencyMs: { type: 'double', nullable: true },
  },
});

/** Latency histogram counts per rollup bucket and log-spaced bin (see latency-histogram.ts). */
export interface PredictionLatencyRollup {
  grain: Grain;
  bucket: Date;
  modelVersion: string;
  bin: number;
  n: string;
}

export const PredictionLatencyRollupSchema = new EntitySchema<PredictionLatencyRollup>({
  name: 'PredictionLatencyRollup',
  tableName: 'prediction_latency_rollup',
  properties: {
    grain: { type: 'string', length: 6, primary: true },
    bucket: { type: 'datetime', columnType: 'timestamptz', primary: true },
    modelVersion: { type: 'string', length: 50, primary: true },
    bin: { type: 'smallint', primary: true },
    n: { type: 'bigint' },
  },
});
