import type { OpenAPIRegistry, ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  AnalyticsFilters,
  AnalyticsSummary,
  CompareParams,
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
  VersionComparison,
} from '../analytics.js';
import { analytics, errors } from './examples.js';
import { Headers, error, json, type Example } from './http.js';

const FILTERS = '`from` (inclusive) and `to` (exclusive) are ISO 8601 date-times with an offset; `model_version` selects one model.';

const badQuery = error(400, 'Invalid query parameter', { bad_from: errors.badFrom, bad_limit: errors.badLimit });
const dbDown = error(503, 'Postgres unreachable', { database_unavailable: errors.databaseUnavailable });

interface AnalyticsRoute {
  summary: string;
  description: string;
  query: NonNullable<RouteConfig['request']>['query'];
  ok: ResponseConfig;
}

/** An illustrative answer (figures consistent with each other), kept beside its route. */
const compareExample = {
  summary: 'The shipped model against a candidate in shadow',
  value: {
    a: 'sentiment-multi-v2',
    b: 'sentiment-multi-v3+5e0f2a91',
    from: '2026-12-06T00:00:00.000Z',
    to: '2026-12-07T00:00:00.000Z',
    pairs: 1200,
    agreement: 0.8725,
    confusion: {
      negative: { negative: 431, neutral: 38, positive: 12 },
      neutral: { negative: 41, neutral: 203, positive: 35 },
      positive: { negative: 9, neutral: 18, positive: 413 },
    },
    a_stats: {
      mean_confidence: 0.8113,
      counts: { negative: 481, neutral: 279, positive: 440 },
      latency: { count: 1200, p50_ms: 2.87, p95_ms: 8.1, p99_ms: 14.2, max_ms: 31.5 },
    },
    b_stats: {
      mean_confidence: 0.8342,
      counts: { negative: 481, neutral: 259, positive: 460 },
      latency: { count: 1200, p50_ms: 6.13, p95_ms: 17.3, p99_ms: 29.4, max_ms: 52.8 },
    },
    resolution: analytics.latency.all.value.resolution,
  },
} satisfies Example<VersionComparison>;

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
  compare: {
    summary: 'Shadow runs: one model (version) against another',
    description:
      'Pairs stored by shadow runs (a second version answering the serving version’s texts; never counted by the other ' +
      'analytics), whichever of `a` and `b` served, oriented so `a` is always the a side: agreement, the confusion matrix ' +
      '(rows: `a`’s answer, columns: `b`’s), mean confidence, answer counts and latency percentiles of each. `a` and `b` are ' +
      'each a full `model_version` or a model name (all its versions); both required, and they must not overlap (else 400). ' +
      '`from` (inclusive) and `to` (exclusive) as for every analytics endpoint.',
    query: CompareParams,
    ok: json('The comparison', VersionComparison, { all: compareExample }),
  },
};

export function registerAnalyticsPaths(registry: OpenAPIRegistry): void {
  for (const [path, { summary, description, query, ok }] of Object.entries(ROUTES)) {
    registry.registerPath({
      method: 'get',
      path: `/analytics/${path}`,
      tags: ['analytics'],
      summary,
      description: path === 'compare' ? description : `${description} ${FILTERS}`,
      request: { query },
      responses: { 200: ok, 400: badQuery, 503: dbDown },
    });
  }
}
