import type { MikroORM } from '@mikro-orm/core';
import type { Knex, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type {
  AnalyticsFilters,
  AnalyticsRepository,
  RecentOptions,
  RecentPage,
  SentimentDistribution,
  TimeseriesPoint,
} from './analytics-types.js';
import { LATENCY_RESOLUTION, percentilesFromBins } from './latency-histogram.js';
import { SENTIMENTS, type Sentiment } from './prediction.entity.js';
import { GRAIN_WIDTH } from './prediction-rollup.entity.js';
import { floorTo, splitRange, type Piece } from './rollup-ranges.js';
import { rollupNames } from './rollup-sql.js';

// Formatting in SQL keeps microsecond timestamps and the session time zone out of the picture:
// the output matches Date.prototype.toISOString().
const isoUtc = (expr: string) => `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Full precision, for cursors: Postgres keeps microseconds, Date only milliseconds. */
const isoUtcMicros = (expr: string) => `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// pg returns bigint/numeric as strings; null stays null.
const toNumberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const ratio = (sum: unknown, n: number): number | null => (n > 0 ? Number(sum) / n : null);

/**
 * `model_version = m`, written as a one-value range for queries that walk an index in timestamp order
 * to the first rows of one model (recent pages, first/last seen). With `=`, the planner drops
 * model_version from the ORDER BY as a constant and may walk (timestamp, id) instead, skipping millions
 * of other models' rows (it cannot know v2 only began yesterday); as a range, only
 * (model_version, timestamp, id) yields the order. Same rows: the default collation is deterministic.
 */
const MODEL_RANGE = (m: string) => `model_version >= ${m} and model_version <= ${m}`;

/** A fragment of SQL and its `?` parameters, in text order. */
interface Sql {
  text: string;
  params: unknown[];
}

/** Sentiment counts of raw rows, and sums of such counts (rollup rows, pieces), as columns n_negative, n_neutral, n_positive. */
const RAW_COUNTS = SENTIMENTS.map((s) => `count(*) filter (where predicted_sentiment = '${s}') as n_${s}`).join(', ');
const SUM_COUNTS = SENTIMENTS.map((s) => `sum(n_${s}) as n_${s}`).join(', ');
const countsOf = (row: Record<string, unknown>) => Object.fromEntries(SENTIMENTS.map((s) => [s, Number(row[`n_${s}`] ?? 0)])) as SentimentDistribution;

/**
 * Aggregates read the rollup tables piece by piece (see splitRange): whole days, hours and minutes from
 * the rollups, the partial minutes at the edges of [from, to) from the raw rows through the timestamp
 * index. Every answer is exact (percentiles up to the histogram's stated resolution) and costs about the
 * same at 100 thousand or 10 million rows.
 */
export function createAnalyticsRepository(orm: MikroORM<PostgreSqlDriver>): AnalyticsRepository {
  const schema = orm.config.get('schema');
  const names = rollupNames(orm);
  const knex = () => orm.em.getKnex();
  const query = <T>({ text, params }: Sql) => orm.em.getConnection().execute<T[]>(text, params, 'all');

  /** `from predictions where <filters>`, every value bound as a parameter. */
  const filtered = (f: AnalyticsFilters = {}): Knex.QueryBuilder => {
    const qb = knex().from('predictions');
    if (schema) qb.withSchema(schema);
    if (f.from) qb.where('timestamp', '>=', f.from);
    if (f.to) qb.where('timestamp', '<', f.to);
    if (f.modelVersion !== undefined) qb.whereRaw(MODEL_RANGE('?'), [f.modelVersion, f.modelVersion]);
    return qb;
  };

  /** The WHERE clause of one piece, on the raw table or the rollup tables. */
  function pieceWhere(p: Piece, modelVersion: string | undefined): Sql {
    const column = p.source === 'raw' ? '"timestamp"' : 'bucket';
    const parts: string[] = p.source === 'raw' ? [] : [`grain = '${p.source}'`];
    const params: unknown[] = [];
    if (p.from) (parts.push(`${column} >= ?`), params.push(p.from));
    if (p.to) (parts.push(`${column} < ?`), params.push(p.to));
    if (modelVersion !== undefined) (parts.push('model_version = ?'), params.push(modelVersion));
    return { text: parts.length ? `where ${parts.join(' and ')}` : '', params };
  }

  /**
   * `union all` of one select per piece: `rollup(where)` over a rollup table, `raw(where)` over the raw
   * rows. `empty` is a select of the same columns returning nothing, for an empty range.
   */
  function overPieces(pieces: Piece[], f: AnalyticsFilters, raw: (where: string) => string, rollup: (where: string) => string, empty: string): Sql {
    if (pieces.length === 0) return { text: empty, params: [] };
    const parts = pieces.map((p) => {
      const where = pieceWhere(p, f.modelVersion);
      return { text: p.source === 'raw' ? raw(where.text) : rollup(where.text), params: where.params };
    });
    return { text: parts.map((p) => `(${p.text})`).join(' union all '), params: parts.flatMap((p) => p.params) };
  }

  /**
   * min/max(timestamp) of the filtered raw rows: one index probe; `modelColumn` correlates the model.
   * With a model this must walk (model_version, timestamp): see MODEL_RANGE.
   */
  function firstOrLast(fn: 'min' | 'max', f: AnalyticsFilters, modelColumn?: string): Sql {
    const model = modelColumn ?? (f.modelVersion === undefined ? undefined : '?');
    const where = pieceWhere({ source: 'raw', from: f.from, to: f.to }, undefined);
    const parts = [where.text.replace(/^where /, ''), model && MODEL_RANGE(model)].filter(Boolean);
    const dir = fn === 'min' ? 'asc' : 'desc';
    return {
      text: `select "timestamp" from ${names.prediction} ${parts.length ? `where ${parts.join(' and ')}` : ''}
        order by ${model ? `model_version ${dir}, ` : ''}"timestamp" ${dir} limit 1`,
      params: [...where.params, ...(model === '?' ? [f.modelVersion, f.modelVersion] : [])],
    };
  }

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
      // With a model (MODEL_RANGE), leading with model_version walks (model_version, timestamp, id).
      .orderBy([
        ...(f.modelVersion === undefined ? [] : [{ column: 'predictions.model_version', order: 'desc' }]),
        { column: 'predictions.timestamp', order: 'desc' },
        { column: 'predictions.id', order: 'desc' },
      ])
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
    async summary(f = {}) {
      const totals = overPieces(
        splitRange(f.from, f.to),
        f,
        (w) => `select count(*) as n, sum(confidence_score) as sc, sum(latency_ms) as sl, count(*) filter (where cache_hit) as ch from ${names.prediction} ${w}`,
        (w) => `select sum(n) as n, sum(sum_confidence) as sc, sum(sum_latency_ms) as sl, sum(cache_hits) as ch from ${names.rollup} ${w}`,
        'select 0, 0::float8, 0::float8, 0 where false',
      );
      const earliest = firstOrLast('min', f);
      const latest = firstOrLast('max', f);
      const [row] = await query<Record<string, unknown>>({
        text: `select sum(n) as n, sum(sc) as sc, sum(sl) as sl, sum(ch) as ch,
            ${isoUtc(`(${earliest.text})`)} as earliest, ${isoUtc(`(${latest.text})`)} as latest
          from (${totals.text}) t`,
        params: [...earliest.params, ...latest.params, ...totals.params],
      });
      const n = Number(row?.n ?? 0);
      return {
        total_predictions: n,
        avg_confidence: ratio(row?.sc, n),
        avg_latency_ms: ratio(row?.sl, n),
        cache_hit_rate: ratio(row?.ch, n),
        date_range: { earliest: n > 0 ? ((row?.earliest as string | null) ?? null) : null, latest: n > 0 ? ((row?.latest as string | null) ?? null) : null },
      };
    },

    async distribution(f = {}) {
      const counts = overPieces(
        splitRange(f.from, f.to),
        f,
        (w) => `select ${RAW_COUNTS} from ${names.prediction} ${w}`,
        (w) => `select ${SUM_COUNTS} from ${names.rollup} ${w}`,
        'select 0, 0, 0 where false',
      );
      const [row] = await query<Record<string, unknown>>({ text: `select ${SUM_COUNTS} from (${counts.text}) t`, params: counts.params });
      return countsOf(row ?? {});
    },

    async recent(options) {
      return (await recentPage(options)).rows;
    },

    recentPage,

    async timeseries({ bucket, from, to, modelVersion }) {
      if (!(from < to)) throw new RangeError('timeseries needs from < to');
      const start = (column: string) => `date_trunc('${bucket}', ${column}, 'UTC')`;
      // Plain rows summed once (a minute series reads one rollup row per point and model). Counts are
      // summed as float8: exact for integers below 2^53, and far cheaper than numeric.
      const parts = overPieces(
        splitRange(from, to, bucket),
        { modelVersion },
        (w) => `select ${start('"timestamp"')} as start, 1::float8 as n,
            ${SENTIMENTS.map((s) => `(predicted_sentiment = '${s}')::int::float8 as n_${s}`).join(', ')}, confidence_score as sc, latency_ms as sl
          from ${names.prediction} ${w}`,
        (w) => `select ${start('bucket')} as start, n::float8, ${SENTIMENTS.map((s) => `n_${s}::float8`).join(', ')}, sum_confidence as sc, sum_latency_ms as sl
          from ${names.rollup} ${w}`,
        'select null::timestamptz, 0::float8, 0::float8, 0::float8, 0::float8, 0::float8, 0::float8 where false',
      );
      // One JSON array back instead of a row per point: a long series costs the driver one parse, not thousands.
      const [row] = await query<{ points: [number, number, number, number, number, number, number][] | null }>({
        text: `select json_agg(json_build_array(extract(epoch from start) * 1000, n, n_negative, n_neutral, n_positive, sc, sl)) as points from (
            select start, sum(n) as n, ${SUM_COUNTS}, sum(sc) as sc, sum(sl) as sl from (${parts.text}) t group by start
          ) g`,
        params: parts.params,
      });
      const byStart = new Map((row?.points ?? []).map((p) => [p[0], p]));
      const points: TimeseriesPoint[] = [];
      for (let t = floorTo(from.getTime(), bucket); t < to.getTime(); t += GRAIN_WIDTH[bucket].ms) {
        const [, n = 0, negative = 0, neutral = 0, positive = 0, sc = 0, sl = 0] = byStart.get(t) ?? [];
        points.push({ start: new Date(t).toISOString(), total: n, counts: { negative, neutral, positive }, avg_confidence: ratio(sc, n), avg_latency_ms: ratio(sl, n) });
      }
      return { bucket, from: from.toISOString(), to: to.toISOString(), points };
    },

    async latency(f = {}) {
      const pieces = splitRange(f.from, f.to);
      const bins = overPieces(
        pieces,
        f,
        // Plain rows, summed once outside: one aggregate instead of one per piece.
        (w) => `select ${names.binFn}(latency_ms) as bin, 1::bigint as n from ${names.prediction} ${w}`,
        (w) => `select bin, n from ${names.latency} ${w}`,
        'select 0::smallint, 0::bigint where false',
      );
      const max = overPieces(
        pieces,
        f,
        (w) => `select max(latency_ms) as m from ${names.prediction} ${w}`,
        (w) => `select max(max_latency_ms) as m from ${names.rollup} ${w}`,
        'select 0::float8 where false',
      );
      const rows = await query<{ bin: number | null; n: string | null; max: number | null }>({
        text: `select bin, sum(n) as n, null::float8 as max from (${bins.text}) b group by bin
          union all select null, null, max(m) from (${max.text}) m`,
        params: [...bins.params, ...max.params],
      });
      const counts = new Map<number, number>();
      let maxMs: number | null = null;
      for (const r of rows) {
        if (r.bin === null) maxMs = toNumberOrNull(r.max);
        else counts.set(Number(r.bin), Number(r.n));
      }
      return { ...percentilesFromBins(counts, maxMs), resolution: LATENCY_RESOLUTION };
    },

    async models(f = {}) {
      const parts = overPieces(
        splitRange(f.from, f.to),
        f,
        (w) => `select model_version, count(*) as n, ${RAW_COUNTS}, sum(confidence_score) as sc, sum(latency_ms) as sl,
            count(*) filter (where cache_hit) as ch from ${names.prediction} ${w} group by 1`,
        (w) => `select model_version, sum(n) as n, ${SUM_COUNTS}, sum(sum_confidence) as sc, sum(sum_latency_ms) as sl,
            sum(cache_hits) as ch from ${names.rollup} ${w} group by 1`,
        `select ''::varchar, 0, 0, 0, 0, 0::float8, 0::float8, 0 where false`,
      );
      // first/last seen per model: an index probe each on (model_version, timestamp).
      const first = firstOrLast('min', f, 't.model_version');
      const last = firstOrLast('max', f, 't.model_version');
      const rows = await query<Record<string, unknown>>({
        text: `select m.*, ${isoUtc('m.first_seen')} as first_seen_iso, ${isoUtc('m.last_seen')} as last_seen_iso from (
            select t.model_version, sum(n) as n, ${SUM_COUNTS}, sum(sc) as sc, sum(sl) as sl, sum(ch) as ch,
              (${first.text}) as first_seen, (${last.text}) as last_seen
            from (${parts.text}) t group by t.model_version having sum(n) > 0
          ) m order by m.last_seen desc, m.model_version`,
        params: [...first.params, ...last.params, ...parts.params],
      });
      return rows.map((r) => {
        const n = Number(r.n);
        return {
          model_version: String(r.model_version),
          total: n,
          counts: countsOf(r),
          avg_confidence: Number(r.sc) / n,
          avg_latency_ms: Number(r.sl) / n,
          cache_hit_rate: Number(r.ch) / n,
          first_seen: String(r.first_seen_iso),
          last_seen: String(r.last_seen_iso),
        };
      });
    },

    async ping() {
      await orm.em.getConnection().execute('select 1');
    },
  };
}
