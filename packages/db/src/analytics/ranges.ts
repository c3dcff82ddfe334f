import { splitRange, type Piece } from '../rollup-ranges.js';
import type { AnalyticsContext, Sql } from './context.js';
import type { AnalyticsFilters } from './types.js';

// The filters of every analytics query as SQL: a range split into pieces read from the rollups or the
// raw rows (see splitRange), each with its WHERE clause, every value bound as a parameter.

/**
 * `model_version = m`, written as a one-value range for queries that walk an index in timestamp order
 * to the first rows of one model (recent pages, first/last seen). With `=`, the planner drops
 * model_version from the ORDER BY as a constant and may walk (timestamp, id) instead, skipping millions
 * of other models' rows (it cannot know v2 only began yesterday); as a range, only
 * (model_version, timestamp, id) yields the order. Same rows: the default collation is deterministic.
 */
export const MODEL_RANGE = (m: string) => `model_version >= ${m} and model_version <= ${m}`;

/** The WHERE clause of one piece, on the raw table or the rollup tables. */
function pieceWhere(p: Piece, modelVersion: string | undefined): Sql {
  const column = p.source === 'raw' ? '"timestamp"' : 'bucket';
  const parts: string[] = p.source === 'raw' ? [] : [`grain = '${p.source}'`];
  const params: unknown[] = [];
  if (p.from) {
    parts.push(`${column} >= ?`);
    params.push(p.from);
  }
  if (p.to) {
    parts.push(`${column} < ?`);
    params.push(p.to);
  }
  if (modelVersion !== undefined) {
    parts.push('model_version = ?');
    params.push(modelVersion);
  }
  return { text: parts.length ? `where ${parts.join(' and ')}` : '', params };
}

/** The select of a query over pieces, given a piece's WHERE clause. */
export interface PieceSelects {
  /** Over the raw rows (`predictions`); also, matching no row, the columns of an empty range. */
  raw(where: string): string;
  /** Over a rollup table, the same columns. */
  rollup(where: string): string;
}

/**
 * `union all` of one select per piece of [f.from, f.to) (whole days, hours and minutes from the
 * rollups, the partial minutes at the edges from the raw rows), each filtered to f.modelVersion.
 * Sums over the result are exact: the pieces are disjoint and cover the range.
 */
export function overPieces(f: AnalyticsFilters, selects: PieceSelects, pieces: Piece[] = splitRange(f.from, f.to)): Sql {
  if (pieces.length === 0) return { text: selects.raw('where false'), params: [] };
  const parts = pieces.map((p) => {
    const where = pieceWhere(p, f.modelVersion);
    return { text: p.source === 'raw' ? selects.raw(where.text) : selects.rollup(where.text), params: where.params };
  });
  return { text: parts.map((p) => `(${p.text})`).join(' union all '), params: parts.flatMap((p) => p.params) };
}

/**
 * The UTC days holding rows of one model version in a range (day rollups). A range's first and last days
 * may be partial, holding rows only outside the range: `firstWhole`/`lastWhole` are the first and last
 * days with rows lying wholly inside it (undefined when there is none).
 */
export interface SeenDays {
  first: Date;
  last: Date;
  firstWhole: Date | undefined;
  lastWhole: Date | undefined;
}

/** Day buckets start at UTC midnight, as the day partitions do. */
const DAY_MS = 86_400_000;

/**
 * Per model version with rows in [f.from, f.to): the days its first and last rows can be in, from the day
 * rollups (which count every row; a few rows per day). The rows are then looked for within those days only
 * (`seenProbe`): bounds written into the statement let Postgres plan and read one or two day partitions
 * instead of every one the table holds (90 at the default retention).
 */
export async function seenDays(ctx: AnalyticsContext, f: AnalyticsFilters): Promise<Map<string, SeenDays>> {
  const parts = [`grain = 'day'`, 'n > 0'];
  const params: unknown[] = [];
  const from = f.from && Math.floor(f.from.getTime() / DAY_MS) * DAY_MS;
  // Days wholly inside: starting at or after `from`, ending at or before `to`.
  const whole: Sql = {
    text: `min(bucket) filter (where bucket >= ?) as first_whole, max(bucket) filter (where bucket <= ?) as last_whole`,
    params: [
      f.from ? new Date(Math.ceil(f.from.getTime() / DAY_MS) * DAY_MS).toISOString() : '-infinity',
      f.to ? new Date(f.to.getTime() - DAY_MS).toISOString() : 'infinity',
    ],
  };
  if (from !== undefined) {
    parts.push('bucket >= ?');
    params.push(new Date(from));
  }
  if (f.to) {
    parts.push('bucket < ?');
    params.push(f.to);
  }
  if (f.modelVersion !== undefined) {
    parts.push('model_version = ?');
    params.push(f.modelVersion);
  }
  const rows = await ctx.query<{ model_version: string; first: Date; last: Date; first_whole: Date | null; last_whole: Date | null }>({
    text: `select model_version, min(bucket) as first, max(bucket) as last, ${whole.text}
      from ${ctx.names.rollup} where ${parts.join(' and ')} group by 1`,
    params: [...whole.params, ...params],
  });
  const date = (d: Date | null) => (d === null ? undefined : new Date(d));
  return new Map(rows.map((r) => [r.model_version, { first: new Date(r.first), last: new Date(r.last), firstWhole: date(r.first_whole), lastWhole: date(r.last_whole) }]));
}

/**
 * min/max(timestamp) of the raw rows of model `model` (all models when undefined) in [f.from, f.to), looked
 * for from the range's edge to the first (last) day with rows wholly inside it: one index probe in one or
 * two partitions. With a model this walks (model_version, timestamp): see MODEL_RANGE.
 */
export function seenProbe(table: string, fn: 'min' | 'max', f: AnalyticsFilters, seen: SeenDays, model?: string): Sql {
  const fromLimit = f.from?.getTime() ?? -Infinity;
  const toLimit = f.to?.getTime() ?? Infinity;
  const [from, to] =
    fn === 'min'
      ? [seen.first.getTime(), (seen.firstWhole ?? seen.last).getTime() + DAY_MS]
      : [seen.lastWhole?.getTime() ?? seen.first.getTime(), seen.last.getTime() + DAY_MS];
  const dir = fn === 'min' ? 'asc' : 'desc';
  return {
    text: `select "timestamp" from ${table} where "timestamp" >= ? and "timestamp" < ?${model === undefined ? '' : ` and ${MODEL_RANGE('?')}`}
        order by ${model === undefined ? '' : `model_version ${dir}, `}"timestamp" ${dir} limit 1`,
    params: [new Date(Math.max(from, fromLimit)), new Date(Math.min(to, toLimit)), ...(model === undefined ? [] : [model, model])],
  };
}
