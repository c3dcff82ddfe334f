import type { LatencyPercentiles } from '../latency-histogram.js';
import type { Sentiment, TimeseriesBucket } from '@sentiment/core';
import type { RecentCursor } from '../recent-cursor.js';

// What the analytics repository answers (the shapes of GET /analytics/*, before JSON).

export interface AnalyticsFilters {
  /** Inclusive lower bound on `timestamp`. */
  from?: Date;
  /** Exclusive upper bound on `timestamp`. */
  to?: Date;
  modelVersion?: string;
}

export interface PredictionSummary {
  total_predictions: number;
  avg_confidence: number | null;
  avg_latency_ms: number | null;
  /** Share of predictions answered from the result cache (0..1); null without predictions. */
  cache_hit_rate: number | null;
  date_range: { earliest: string | null; latest: string | null };
}

export type SentimentDistribution = Record<Sentiment, number>;

export interface RecentPrediction {
  id: string;
  timestamp: string;
  sentiment: Sentiment;
  confidence: number;
  latency_ms: number;
  model_version: string;
}

export interface RecentOptions extends AnalyticsFilters {
  limit: number;
  /** Only rows after this position in the order (strictly older, or as old with a smaller id). */
  before?: RecentCursor;
}

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

export interface TimeseriesPoint {
  /** Start of the UTC minute/hour/day. */
  start: string;
  total: number;
  counts: SentimentDistribution;
  avg_confidence: number | null;
  avg_latency_ms: number | null;
}

export interface Timeseries {
  bucket: TimeseriesBucket;
  from: string;
  to: string;
  /** Every bucket overlapping [from, to), oldest first, zeros included; edge buckets count only rows inside the range. */
  points: TimeseriesPoint[];
}

export interface LatencyStats extends LatencyPercentiles {
  resolution: string;
}

export interface ModelStats {
  model_version: string;
  total: number;
  counts: SentimentDistribution;
  avg_confidence: number;
  avg_latency_ms: number;
  cache_hit_rate: number;
  first_seen: string;
  last_seen: string;
}

export interface AnalyticsRepository {
  summary(filters?: AnalyticsFilters): Promise<PredictionSummary>;
  distribution(filters?: AnalyticsFilters): Promise<SentimentDistribution>;
  /** Newest first (timestamp desc, id desc); never includes the input text. */
  recent(options: RecentOptions): Promise<RecentPrediction[]>;
  /** `recent` plus the cursor of the next page: stable while new rows arrive (keyset, not offset). */
  recentPage(options: RecentOptions): Promise<RecentPage>;
  /** Counts and averages per UTC bucket; throws a RangeError unless from < to. */
  timeseries(options: TimeseriesOptions): Promise<Timeseries>;
  /** Latency percentiles from the rollups' histograms (see `resolution`); count and max exact. */
  latency(filters?: AnalyticsFilters): Promise<LatencyStats>;
  /** One entry per model version with predictions in range, most recently seen first. */
  models(filters?: AnalyticsFilters): Promise<ModelStats[]>;
  /** Resolves when Postgres answers `select 1`, rejects otherwise. */
  ping(): Promise<void>;
}
