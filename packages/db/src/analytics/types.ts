import type { TimeseriesBucket } from '@sentiment/core';
import type { AnalyticsSummary, LatencyStats, ModelStats, RecentPrediction, SentimentDistribution, Timeseries, VersionComparison } from '@sentiment/contract/analytics';
import type { RecentCursor } from '../recent-cursor.js';

// What the analytics repository takes, and its interface. What it answers are the shapes of
// GET /analytics/* (before JSON), defined once by the HTTP contract's schemas: imported as types only,
// so nothing of the HTTP layer loads with db (.dependency-cruiser.cjs keeps it so).

export interface AnalyticsFilters {
  /** Inclusive lower bound on `timestamp`. */
  from?: Date;
  /** Exclusive upper bound on `timestamp`. */
  to?: Date;
  modelVersion?: string;
}

export interface RecentOptions extends AnalyticsFilters {
  limit: number;
  /** Only rows after this position in the order (strictly older, or as old with a smaller id). */
  before?: RecentCursor;
}

/** A page of recent predictions and where the next one starts. */
export interface RecentPage {
  rows: RecentPrediction[];
  /** Where the next page starts; null when this page reached the last matching row. */
  next: RecentCursor | null;
}

export interface TimeseriesOptions {
  bucket: TimeseriesBucket;
  from: Date;
  to: Date;
  modelVersion?: string;
}

/** Shadow runs of `a` against `b`: each a full model_version or a model name (all its versions); the two must not overlap. */
export interface CompareOptions {
  a: string;
  b: string;
  from?: Date;
  to?: Date;
}

export interface AnalyticsRepository {
  summary(filters?: AnalyticsFilters): Promise<AnalyticsSummary>;
  distribution(filters?: AnalyticsFilters): Promise<SentimentDistribution>;
  /** Newest first (timestamp desc, id desc); never includes the input text. */
  recent(options: RecentOptions): Promise<RecentPrediction[]>;
  /** `recent` plus the cursor of the next page: stable while new rows arrive (keyset, not offset). */
  recentPage(options: RecentOptions): Promise<RecentPage>;
  /** Counts and averages per UTC bucket; every bucket overlapping [from, to), zeros included. Throws a RangeError unless from < to. */
  timeseries(options: TimeseriesOptions): Promise<Timeseries>;
  /** Latency percentiles from the rollups' histograms (see `resolution`); count and max exact. */
  latency(filters?: AnalyticsFilters): Promise<LatencyStats>;
  /** One entry per model version with predictions in range, most recently seen first. */
  models(filters?: AnalyticsFilters): Promise<ModelStats[]>;
  /** Shadow-run pairs of a and b (model_comparisons), a always on the a side, whichever served. */
  compare(options: CompareOptions): Promise<VersionComparison>;
  /** Resolves when Postgres answers `select 1`, rejects otherwise. */
  ping(): Promise<void>;
}
