import { SENTIMENTS } from '@sentiment/core';
import type { Orm } from './config.js';
import { GRAIN_WIDTH, GRAINS, ROLLUP_ORIGIN } from './prediction-rollup.entity.js';

/** The rollup's count column of each sentiment (n_negative, …). */
const COUNT_COLUMNS = SENTIMENTS.map((s) => `n_${s}`);

/** Schema-qualified names of the tables (and the bin function) the rollup statements use. */
export interface RollupNames {
  prediction: string;
  rollup: string;
  latency: string;
  binFn: string;
  /** model_comparisons and its rollups (model-comparison.entity.ts). */
  comparison: string;
  comparisonRollup: string;
  comparisonLatency: string;
}

/** `table` qualified with the ORM's schema, quoted. */
export function qualifiedName(orm: Orm, table: string): string {
  const schema = orm.config.get('schema');
  return schema ? `"${schema}"."${table}"` : `"${table}"`;
}

export function rollupNames(orm: Orm): RollupNames {
  const q = (name: string) => qualifiedName(orm, name);
  return {
    prediction: q('predictions'),
    rollup: q('prediction_rollup'),
    latency: q('prediction_latency_rollup'),
    binFn: q('prediction_latency_bin'),
    comparison: q('model_comparisons'),
    comparisonRollup: q('model_comparison_rollup'),
    comparisonLatency: q('model_comparison_latency_rollup'),
  };
}

/** Columns a statement over raw rows must expose (e.g. in `returning`) for `cellsSql`. */
export const ROLLUP_SOURCE_COLUMNS = '"timestamp", model_version, predicted_sentiment, confidence_score, latency_ms, cache_hit';

/**
 * Rows of `source` (a CTE name) folded into cells: one per UTC minute, model version and latency bin.
 * The same arithmetic as the table's triggers (migration 20261206120000, frozen there as migrations
 * are); rollups.test.ts checks both against GROUP BY over the rows.
 */
export function cellsSql(source: string, names: RollupNames): string {
  return `select date_trunc('minute', "timestamp", 'UTC') as minute, model_version, ${names.binFn}(latency_ms) as bin,
      count(*) as n,
      ${SENTIMENTS.map((s) => `count(*) filter (where predicted_sentiment = '${s}') as n_${s},`).join('\n      ')}
      count(*) filter (where cache_hit) as cache_hits,
      sum(confidence_score) as sum_confidence, sum(latency_ms) as sum_latency_ms, max(latency_ms) as max_latency_ms
    from ${source} group by 1, 2, 3`;
}

const grainValues = `(values ${GRAINS.map((g) => `('${g}', ${GRAIN_WIDTH[g].sql})`).join(', ')}) as g(grain, width)`;
const bucketOf = (column: string) => `date_bin(g.width, ${column}, ${ROLLUP_ORIGIN})`;

/**
 * Two CTE bodies that add (sign 1) or subtract (sign -1) the cells CTE `cells` to both rollup tables.
 * Keys are upserted in one fixed order (table, then grain, bucket, model, bin), so concurrent writers and
 * retention can wait for each other's rows but never deadlock. A bucket whose count drops to zero keeps
 * exact zeros (retention purges it). Subtracting leaves max_latency_ms for retention to recompute.
 */
export function applyCellsSql(cells: string, names: RollupNames, sign: 1 | -1): { rollup: string; latency: string } {
  const s = sign === 1 ? '' : '-';
  const zeroed = (column: string) => `case when t.n + excluded.n = 0 then 0 else t.${column} + excluded.${column} end`;
  const rollup = `insert into ${names.rollup} as t
      (grain, bucket, model_version, n, ${COUNT_COLUMNS.join(', ')}, cache_hits, sum_confidence, sum_latency_ms, max_latency_ms)
    select g.grain, ${bucketOf('c.minute')}, c.model_version,
      ${s}sum(c.n)::bigint, ${COUNT_COLUMNS.map((c) => `${s}sum(c.${c})::bigint`).join(', ')},
      ${s}sum(c.cache_hits)::bigint, ${s}sum(c.sum_confidence), ${s}sum(c.sum_latency_ms), ${sign === 1 ? 'max(c.max_latency_ms)' : 'null::double precision'}
    from ${cells} c cross join ${grainValues}
    group by 1, 2, 3 order by 1, 2, 3
    on conflict (grain, bucket, model_version) do update set
      n = t.n + excluded.n, ${COUNT_COLUMNS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}, cache_hits = t.cache_hits + excluded.cache_hits,
      sum_confidence = ${zeroed('sum_confidence')}, sum_latency_ms = ${zeroed('sum_latency_ms')},
      max_latency_ms = case when t.n + excluded.n = 0 then null else greatest(t.max_latency_ms, excluded.max_latency_ms) end`;
  const latency = `insert into ${names.latency} as t (grain, bucket, model_version, bin, n)
    select g.grain, ${bucketOf('c.minute')}, c.model_version, c.bin, ${s}sum(c.n)::bigint
    from ${cells} c cross join ${grainValues}
    group by 1, 2, 3, 4 order by 1, 2, 3, 4
    on conflict (grain, bucket, model_version, bin) do update set n = t.n + excluded.n`;
  return { rollup, latency };
}
