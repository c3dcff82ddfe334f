import { splitRange, type Piece } from '../rollup-ranges.js';
import type { Sql } from './context.js';
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
 * min/max(timestamp) of the filtered raw rows of `table`: one index probe; `modelColumn` correlates the
 * model (a subquery per model version). With a model this must walk (model_version, timestamp): see MODEL_RANGE.
 */
export function firstOrLast(table: string, fn: 'min' | 'max', f: AnalyticsFilters, modelColumn?: string): Sql {
  const model = modelColumn ?? (f.modelVersion === undefined ? undefined : '?');
  const where = pieceWhere({ source: 'raw', from: f.from, to: f.to }, undefined);
  const parts = [where.text.replace(/^where /, ''), model && MODEL_RANGE(model)].filter(Boolean);
  const dir = fn === 'min' ? 'asc' : 'desc';
  return {
    text: `select "timestamp" from ${table} ${parts.length ? `where ${parts.join(' and ')}` : ''}
        order by ${model ? `model_version ${dir}, ` : ''}"timestamp" ${dir} limit 1`,
    params: [...where.params, ...(model === '?' ? [f.modelVersion, f.modelVersion] : [])],
  };
}
