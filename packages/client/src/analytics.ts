import {
  AnalyticsSummary,
  LatencyStats,
  ModelsList,
  RecentPage as RecentRows,
  SentimentDistribution,
  Timeseries,
  VersionComparison,
  type ModelStats,
  type RecentPrediction,
  type TimeseriesBucket,
} from '@sentiment/contract';
import type { z } from 'zod';
import type { Transport } from './http.js';
import { nextCursor } from './link-header.js';

/** Every analytics call filters by time (`from` inclusive, `to` exclusive) and model version. */
export interface AnalyticsOptions {
  from?: Date | string;
  to?: Date | string;
  modelVersion?: string;
  signal?: AbortSignal;
}

export interface RecentQuery extends AnalyticsOptions {
  /** 1 to 1000 (the API's default: 100). */
  limit?: number;
  /** The `next` cursor of the previous page. */
  before?: string;
}

export interface TimeseriesQuery extends AnalyticsOptions {
  bucket?: TimeseriesBucket;
}

export interface CompareQuery extends Omit<AnalyticsOptions, 'modelVersion'> {
  /** A full model_version or a model name (all its versions). */
  a: string;
  /** Like `a`, and must not overlap it. */
  b: string;
}

export interface RecentPage {
  items: RecentPrediction[];
  /** Pass as `before` for the next (older) page; undefined on the last page. */
  next: string | undefined;
}

const filterQuery = ({ from, to, modelVersion }: AnalyticsOptions) => ({ from, to, model_version: modelVersion });

/** GET /analytics/*: read-only, so every call is retried after a 429/503's Retry-After. */
export function createAnalytics(request: Transport['request']) {
  const get = async <S extends z.ZodType>(path: string, schema: S, query: Record<string, string | number | Date | undefined>, signal?: AbortSignal) =>
    request({ method: 'GET', path: `/analytics${path}`, query, responses: { 200: schema }, idempotent: true, signal });

  return {
    async summary(filters: AnalyticsOptions = {}): Promise<AnalyticsSummary> {
      return (await get('/summary', AnalyticsSummary, filterQuery(filters), filters.signal)).body;
    },

    async distribution(filters: AnalyticsOptions = {}): Promise<SentimentDistribution> {
      return (await get('/sentiment-distribution', SentimentDistribution, filterQuery(filters), filters.signal)).body;
    },

    /** Newest first; the API never returns input texts. */
    async recent(query: RecentQuery = {}): Promise<RecentPage> {
      const reply = await get('/recent', RecentRows, { ...filterQuery(query), limit: query.limit, before: query.before }, query.signal);
      return { items: reply.body, next: nextCursor(reply.headers.get('link')) };
    },

    /** Zero-filled buckets, oldest first. */
    async timeseries(query: TimeseriesQuery = {}): Promise<Timeseries> {
      return (await get('/timeseries', Timeseries, { ...filterQuery(query), bucket: query.bucket }, query.signal)).body;
    },

    async latency(filters: AnalyticsOptions = {}): Promise<LatencyStats> {
      return (await get('/latency', LatencyStats, filterQuery(filters), filters.signal)).body;
    },

    /** One entry per model version, most recently seen first. */
    async models(filters: Omit<AnalyticsOptions, 'modelVersion'> = {}): Promise<ModelStats[]> {
      return (await get('/models', ModelsList, filterQuery(filters), filters.signal)).body;
    },

    /** Shadow runs: `a` against `b` (agreement, confusion matrix, each side's figures), whichever served. */
    async compare(query: CompareQuery): Promise<VersionComparison> {
      const { a, b, from, to, signal } = query;
      return (await get('/compare', VersionComparison, { a, b, from, to }, signal)).body;
    },
  };
}
