import type { OpenAPIRegistry, ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  AnalyticsFilters,
  AnalyticsSummary,
  DEFAULT_TIMESERIES_POINTS,
  LatencyParams,
  LatencyStats,
  MAX_TIMESERIES_POINTS,
  ModelsList,
  ModelsParams,
  RecentPage,
  RecentParams,
  SentimentDistribution,
  Timeseries,
  TimeseriesParams,
} from '../analytics.js';
import { analytics, errors } from './examples.js';
import { Headers, error, json } from './http.js';

const FILTERS = '`from` (inclusive) and `to` (exclusive) are ISO 8601 date-times with an offset; `model_version` selects one model.';

const badQuery = error(400, 'Invalid query parameter', { bad_from: errors.badFrom, bad_limit: errors.badLimit });
const dbDown = error(503, 'Postgres unreachable', { database_unavailable: errors.databaseUnavailable });

interface AnalyticsRoute {
  summary: string;
  description: string;
  query: NonNullable<RouteConfig['request']>['query'];
  ok: ResponseConfig;
}

const ROUTES: Record<string, AnalyticsRoute> = {
  summary: {
    summary: 'Totals and averages',
    description: 'Over stored predictions.',
    query: AnalyticsFilters,
    ok: json('Summary', AnalyticsSummary, analytics.summary),
  },
  'sentiment-distribution': {
    summary: 'Predictions per sentiment',
    description: 'Zeros included.',
    query: AnalyticsFilters,
    ok: json('Counts', SentimentDistribution, analytics.distribution),
  },
  recent: {
    summary: 'Latest predictions, newest first',
    description:
      'Never returns the input text. Pages are keyset-based: follow the `Link: <…>; rel="next"` header; ' +
      'pages stay stable while new rows arrive.',
    query: RecentParams,
    ok: json('A page of predictions', RecentPage, analytics.recent, { Link: Headers.link }),
  },
  timeseries: {
    summary: 'Predictions per time bucket',
    description:
      'Zero-filled points, oldest first, aligned to UTC minutes/hours/days. `bucket` defaults to minute, `to` to now, ' +
      `\`from\` to ${DEFAULT_TIMESERIES_POINTS} buckets before \`to\`; at most ${MAX_TIMESERIES_POINTS.toLocaleString('en-US')} buckets per answer (else 400).`,
    query: TimeseriesParams,
    ok: json('Buckets', Timeseries, analytics.timeseries),
  },
  latency: {
    summary: 'Model latency percentiles',
    description: 'p50/p95/p99/max of `latency_ms`; `resolution` says how exact the percentiles are.',
    query: LatencyParams,
    ok: json('Percentiles', LatencyStats, analytics.latency),
  },
  models: {
    summary: 'Per-model statistics',
    description: 'Sorted by `last_seen`, newest first.',
    query: ModelsParams,
    ok: json('One entry per model version', ModelsList, analytics.models),
  },
};

export function registerAnalyticsPaths(registry: OpenAPIRegistry): void {
  for (const [path, { summary, description, query, ok }] of Object.entries(ROUTES)) {
    registry.registerPath({
      method: 'get',
      path: `/analytics/${path}`,
      tags: ['analytics'],
      summary,
      description: `${description} ${FILTERS}`,
      request: { query },
      responses: { 200: ok, 400: badQuery, 503: dbDown },
    });
  }
}
