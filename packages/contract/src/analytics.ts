import { BUCKET_MS, SENTIMENTS, TIMESERIES_BUCKETS } from '@sentiment/core';
import { z } from 'zod';
import { Sentiment } from './sentiment.js';

// GET /analytics/*: query parameters (parsed at the API's edge) and answers. Every endpoint takes
// `from` (inclusive) and `to` (exclusive) ISO 8601 date-times with an offset, and `model_version`.
// The answers' types are what @sentiment/db's analytics repository returns: db imports them (as types
// only) from `@sentiment/contract/analytics`, so this module never reaches the queue (.dependency-cruiser.cjs).

/** A real calendar day: JavaScript would read 2024-02-30 as March 1st, Postgres refuses it. */
export function isCalendarDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(2000, mo - 1, d));
  day.setUTCFullYear(y);
  return day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

/**
 * Bounds every time filter so the database can answer it: Postgres has no year 0, and rounding a time
 * in the year 9999 to whole days or hours would overflow into year 10000.
 */
const MIN_TIME = Date.parse('0001-01-01T00:00:00Z');
const MAX_TIME = Date.parse('9999-01-01T00:00:00Z');
const DateTime = z.iso
  .datetime({ offset: true, message: 'expected an ISO 8601 date-time, e.g. 2024-05-01T00:00:00Z' })
  .refine(isCalendarDate, { message: 'not a calendar date (e.g. February 30th)' })
  .transform((s) => new Date(s))
  .refine((d) => d.getTime() >= MIN_TIME && d.getTime() < MAX_TIME, { message: 'expected a date-time from 0001-01-01 to before 9999-01-01' });

const Limit = z
  .string()
  .regex(/^\d+$/, { message: 'expected an integer from 1 to 1000' })
  .transform(Number)
  .pipe(z.number().int().min(1).max(1000));

const FilterFields = z.object({
  from: DateTime.optional().meta({ description: 'Inclusive lower bound, ISO 8601 with offset, e.g. `2024-05-01T00:00:00Z`.' }),
  to: DateTime.optional().meta({ description: 'Exclusive upper bound, ISO 8601 with offset.' }),
  model_version: z
    .string()
    .min(1)
    .max(50)
    .refine((v) => !v.includes('\u0000'), { message: 'model_version contains a NUL character' })
    .optional()
    .meta({ description: 'Only predictions of this model version, e.g. `sentiment-multi-v2+5365d819`.' }),
});

const fromBeforeTo: [(q: { from?: Date; to?: Date }) => boolean, { message: string; path: string[] }] = [
  (q) => !q.from || !q.to || q.from < q.to,
  { message: 'from must be before to', path: ['from'] },
];

/** summary, sentiment-distribution, latency, models. */
export const AnalyticsFilters = FilterFields.refine(...fromBeforeTo);
export type AnalyticsFilters = z.output<typeof AnalyticsFilters>;

export const ModelsParams = AnalyticsFilters;
export const LatencyParams = AnalyticsFilters;

/** GET /analytics/recent. `before` stays opaque here: the API decodes it (a malformed one is a 400). */
export const RecentParams = FilterFields.extend({
  // Documented as what it is on the wire: an integer from 1 to 1000 (the string schema is how a query reads).
  limit: Limit.default(100).meta({ description: 'Rows per page, 1 to 1000 (default 100).', type: 'integer', minimum: 1, maximum: 1000, default: 100, pattern: undefined }),
  before: z.string().optional().meta({ description: 'The `before` of a `Link: <…>; rel="next"` header, passed back unchanged.' }),
}).refine(...fromBeforeTo);
export type RecentParams = z.output<typeof RecentParams>;

export { TIMESERIES_BUCKETS, type TimeseriesBucket } from '@sentiment/core';
/** Points of a timeseries when `from` is not given. */
export const DEFAULT_TIMESERIES_POINTS = 60;
/** Most points one timeseries answer may hold (a week of minutes). */
export const MAX_TIMESERIES_POINTS = 10_080;

/** GET /analytics/timeseries. */
export const TimeseriesParams = FilterFields.extend({
  bucket: z.enum(TIMESERIES_BUCKETS).default('minute').meta({ description: 'UTC minute, hour or day (default minute).' }),
}).refine(...fromBeforeTo);
export type TimeseriesParams = z.output<typeof TimeseriesParams>;

/**
 * The window a timeseries answers for: `to` defaults to `now`, `from` to DEFAULT_TIMESERIES_POINTS
 * buckets before `to`; `points` counts the buckets overlapping [from, to), the first starting at `from`
 * rounded down to the bucket.
 */
export function timeseriesWindow(q: Pick<TimeseriesParams, 'bucket' | 'from' | 'to'>, now: Date): { from: Date; to: Date; points: number } {
  const unit = BUCKET_MS[q.bucket];
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - DEFAULT_TIMESERIES_POINTS * unit);
  const points = Math.ceil((to.getTime() - Math.floor(from.getTime() / unit) * unit) / unit);
  return { from, to, points };
}

const Iso = z.iso.datetime();
const Count = z.number().int().min(0);

/** Predictions per sentiment, zeros included. */
export const SentimentDistribution = z
  .object(Object.fromEntries(SENTIMENTS.map((s) => [s, Count])) as Record<(typeof SENTIMENTS)[number], typeof Count>)
  .meta({ id: 'SentimentDistribution', description: 'Predictions per sentiment; zeros included.' });
export type SentimentDistribution = z.infer<typeof SentimentDistribution>;

export const AnalyticsSummary = z
  .object({
    total_predictions: Count,
    avg_confidence: z.number().nullable(),
    avg_latency_ms: z.number().nullable(),
    cache_hit_rate: z.number().min(0).max(1).nullable().meta({ description: 'Share answered from the result cache; null without predictions.' }),
    date_range: z.object({ earliest: Iso.nullable(), latest: Iso.nullable() }),
  })
  .meta({ id: 'AnalyticsSummary' });
export type AnalyticsSummary = z.infer<typeof AnalyticsSummary>;

/** One row of /analytics/recent: never the input text. */
export const RecentPrediction = z
  .object({
    id: z.uuid(),
    timestamp: Iso,
    sentiment: Sentiment,
    confidence: z.number(),
    latency_ms: z.number(),
    model_version: z.string(),
  })
  .meta({ id: 'RecentPrediction' });
export type RecentPrediction = z.infer<typeof RecentPrediction>;

/** Newest first (timestamp, then id, descending); the next page is in the `Link` header. */
export const RecentPage = z.array(RecentPrediction);
export type RecentPage = z.infer<typeof RecentPage>;

export const TimeseriesPoint = z
  .object({
    start: Iso.meta({ description: 'Start of the UTC minute/hour/day.' }),
    total: Count,
    counts: SentimentDistribution,
    avg_confidence: z.number().nullable(),
    avg_latency_ms: z.number().nullable(),
  })
  .meta({ id: 'TimeseriesPoint' });
export type TimeseriesPoint = z.infer<typeof TimeseriesPoint>;

export const Timeseries = z
  .object({
    bucket: z.enum(TIMESERIES_BUCKETS),
    from: Iso,
    to: Iso,
    points: z.array(TimeseriesPoint).meta({
      description: 'Every bucket overlapping [from, to), oldest first, zero-filled; edge buckets count only rows inside the range.',
    }),
  })
  .meta({ id: 'Timeseries' });
export type Timeseries = z.infer<typeof Timeseries>;

export const LatencyStats = z
  .object({
    count: Count,
    p50_ms: z.number().nullable(),
    p95_ms: z.number().nullable(),
    p99_ms: z.number().nullable(),
    max_ms: z.number().nullable(),
    resolution: z.string().meta({ description: 'How exact the percentiles are (they come from a log-spaced histogram).' }),
  })
  .meta({ id: 'LatencyStats' });
export type LatencyStats = z.infer<typeof LatencyStats>;

export const ModelStats = z
  .object({
    model_version: z.string(),
    total: Count,
    counts: SentimentDistribution,
    avg_confidence: z.number(),
    avg_latency_ms: z.number(),
    cache_hit_rate: z.number().min(0).max(1),
    first_seen: Iso,
    last_seen: Iso,
  })
  .meta({ id: 'ModelStats' });
export type ModelStats = z.infer<typeof ModelStats>;

/** Sorted by last_seen, newest first. */
export const ModelsList = z.array(ModelStats);
export type ModelsList = z.infer<typeof ModelsList>;

// ---- GET /analytics/compare: shadow runs, one model (version) against another --------------------

/** A full `model_version`: `<name>+<8 hex>`. */
export const FULL_MODEL_VERSION = /^[^+\s]{1,41}\+[0-9a-f]{8}$/;
/** A full `model_version`, or a model name standing for all of its versions. */
const ModelRef = z
  .string()
  .regex(/^[^+\s]{1,41}(\+[0-9a-f]{8})?$/, { message: 'expected a model_version (`name+8 hex digits`) or a model name' })
  .refine((v) => !v.includes('\u0000'), { message: 'contains a NUL character' });

/** The model name of a model reference: a name, or the part of a full version before the `+`. */
export const modelNameOf = (ref: string) => ref.split('+')[0]!;

/**
 * Whether two references can name the same version: equal, or one a name and the other a version of that
 * name. Pairs are oriented by which side matches which reference, so the two must never overlap.
 */
export function modelRefsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const aIsName = !FULL_MODEL_VERSION.test(a);
  const bIsName = !FULL_MODEL_VERSION.test(b);
  return (aIsName && modelNameOf(b) === a) || (bIsName && modelNameOf(a) === b);
}

/** GET /analytics/compare. */
export const CompareParams = FilterFields.omit({ model_version: true })
  .extend({
    a: ModelRef.meta({ description: 'One side: a full `model_version` (`sentiment-multi-v2+5365d819`) or a model name (every `sentiment-multi-v2+…`).' }),
    b: ModelRef.meta({ description: 'The other side, like `a`; must not overlap it (equal, or a version of `a`’s name).' }),
  })
  .refine(...fromBeforeTo)
  .refine((q) => !modelRefsOverlap(q.a, q.b), { message: 'a and b must not overlap: neither equal nor one a version of the other’s name', path: ['b'] });
export type CompareParams = z.output<typeof CompareParams>;

const Share = z.number().min(0).max(1);

/** Latency figures without the resolution sentence (the compare answer states it once). */
export const LatencyFigures = z
  .object({ count: Count, p50_ms: z.number().nullable(), p95_ms: z.number().nullable(), p99_ms: z.number().nullable(), max_ms: z.number().nullable() })
  .meta({ id: 'LatencyFigures' });
export type LatencyFigures = z.infer<typeof LatencyFigures>;

/** One side of a comparison: its answers over the pairs. */
export const ComparisonSide = z
  .object({
    mean_confidence: z.number().nullable().meta({ description: 'Null without pairs.' }),
    counts: SentimentDistribution,
    latency: LatencyFigures,
  })
  .meta({ id: 'ComparisonSide' });
export type ComparisonSide = z.infer<typeof ComparisonSide>;

/** Pairs per answer of a (rows) and answer of b (columns). */
export const ConfusionMatrix = z
  .object(Object.fromEntries(SENTIMENTS.map((s) => [s, SentimentDistribution])) as Record<(typeof SENTIMENTS)[number], typeof SentimentDistribution>)
  .meta({ id: 'ConfusionMatrix', description: 'confusion[a’s answer][b’s answer] = pairs; zeros included.' });
export type ConfusionMatrix = z.infer<typeof ConfusionMatrix>;

export const VersionComparison = z
  .object({
    a: z.string(),
    b: z.string(),
    from: Iso.nullable(),
    to: Iso.nullable(),
    pairs: Count.meta({ description: 'Shadow-run pairs of a and b, whichever of them served.' }),
    agreement: Share.nullable().meta({ description: 'Share of pairs where both gave the same answer; null without pairs.' }),
    confusion: ConfusionMatrix,
    a_stats: ComparisonSide,
    b_stats: ComparisonSide,
    resolution: z.string().meta({ description: 'How exact the latency percentiles are (as GET /analytics/latency states it).' }),
  })
  .meta({ id: 'VersionComparison' });
export type VersionComparison = z.infer<typeof VersionComparison>;
