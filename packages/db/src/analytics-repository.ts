import type { MikroORM } from '@mikro-orm/core';
import type { Knex, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SENTIMENTS, type Sentiment } from './prediction.entity.js';
import type { RecentCursor } from './recent-cursor.js';

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

export interface AnalyticsRepository {
  summary(filters?: AnalyticsFilters): Promise<PredictionSummary>;
  distribution(filters?: AnalyticsFilters): Promise<SentimentDistribution>;
  /** Newest first (timestamp desc, id desc); never includes the input text. */
  recent(options: RecentOptions): Promise<RecentPrediction[]>;
  /** `recent` plus the cursor of the next page: stable while new rows arrive (keyset, not offset). */
  recentPage(options: RecentOptions): Promise<RecentPage>;
  /** Resolves when Postgres answers `select 1`, rejects otherwise. */
  ping(): Promise<void>;
}

// Formatting in SQL keeps microsecond timestamps and the session time zone out of the picture:
// the output matches Date.prototype.toISOString().
const isoUtc = (expr: string) => `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Full precision, for cursors: Postgres keeps microseconds, Date only milliseconds. */
const isoUtcMicros = (expr: string) => `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// pg returns bigint/numeric as strings; null stays null.
const toNumberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function createAnalyticsRepository(orm: MikroORM<PostgreSqlDriver>): AnalyticsRepository {
  const schema = orm.config.get('schema');
  const knex = () => orm.em.getKnex();

  /** `from prediction where <filters>`, every value bound as a parameter. */
  const filtered = (f: AnalyticsFilters = {}): Knex.QueryBuilder => {
    const qb = knex().from('prediction');
    if (schema) qb.withSchema(schema);
    if (f.from) qb.where('timestamp', '>=', f.from);
    if (f.to) qb.where('timestamp', '<', f.to);
    if (f.modelVersion !== undefined) qb.where('model_version', f.modelVersion);
    return qb;
  };

  async function recentPage({ limit, before, ...f }: RecentOptions): Promise<RecentPage> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const qb = filtered(f);
    if (before) {
      // The plain bound lets the timestamp index do the work; the row comparison settles ties by id.
      qb.whereRaw('"timestamp" <= ?::timestamptz and ("timestamp", "id") < (?::timestamptz, ?::uuid)', [
        before.timestamp,
        before.timestamp,
        before.id,
      ]);
    }
    // One row more than asked tells whether another page exists.
    const rows: Record<string, unknown>[] = await qb
      .select(
        'id',
        knex().raw(`${isoUtc('"timestamp"')} as "timestamp"`),
        knex().raw(`${isoUtcMicros('"timestamp"')} as "cursor_timestamp"`),
        'predicted_sentiment as sentiment',
        'confidence_score as confidence',
        'latency_ms',
        'model_version',
      )
      .orderBy([{ column: 'prediction.timestamp', order: 'desc' }, { column: 'prediction.id', order: 'desc' }])
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      rows: page.map((r) => ({
        id: String(r.id),
        timestamp: String(r.timestamp),
        sentiment: r.sentiment as Sentiment,
        confidence: Number(r.confidence),
        latency_ms: Number(r.latency_ms),
        model_version: String(r.model_version),
      })),
      next: rows.length > limit && last ? { timestamp: String(last.cursor_timestamp), id: String(last.id) } : null,
    };
  }

  return {
    async summary(f) {
      const k = knex();
      const [row] = await filtered(f).select(
        k.raw('count(*) as total'),
        k.raw('avg(confidence_score) as avg_confidence'),
        k.raw('avg(latency_ms) as avg_latency_ms'),
        k.raw(`${isoUtc('min("timestamp")')} as earliest`),
        k.raw(`${isoUtc('max("timestamp")')} as latest`),
      );
      return {
        total_predictions: Number(row.total),
        avg_confidence: toNumberOrNull(row.avg_confidence),
        avg_latency_ms: toNumberOrNull(row.avg_latency_ms),
        date_range: { earliest: row.earliest ?? null, latest: row.latest ?? null },
      };
    },

    async distribution(f) {
      const rows: { sentiment: string; n: string }[] = await filtered(f)
        .select('predicted_sentiment as sentiment', knex().raw('count(*) as n'))
        .groupBy('predicted_sentiment');
      const out = Object.fromEntries(SENTIMENTS.map((s) => [s, 0])) as SentimentDistribution;
      for (const r of rows) {
        if ((SENTIMENTS as readonly string[]).includes(r.sentiment)) out[r.sentiment as Sentiment] = Number(r.n);
      }
      return out;
    },

    async recent(options) {
      return (await recentPage(options)).rows;
    },

    recentPage,

    async ping() {
      await orm.em.getConnection().execute('select 1');
    },
  };
}
