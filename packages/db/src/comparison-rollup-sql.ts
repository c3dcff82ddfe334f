import { GRAIN_WIDTH, GRAINS, ROLLUP_ORIGIN } from './prediction-rollup.entity.js';
import type { RollupNames } from './rollup-sql.js';

const grainValues = `(values ${GRAINS.map((g) => `('${g}', ${GRAIN_WIDTH[g].sql})`).join(', ')}) as g(grain, width)`;
const KEY = 'serving_version, shadow_version, serving_sentiment, shadow_sentiment';

/**
 * The statements that fill both comparison rollups from the rows of `source` (a CTE over
 * model_comparisons), as CTE bodies: the arithmetic of the table's triggers (migration 20261207000000,
 * frozen there as migrations are), for buckets that hold nothing yet (rollup-rebuild.ts empties them first).
 */
export function comparisonRollupInserts(source: string, names: RollupNames): { rollup: string; latency: string } {
  const rollup = `insert into ${names.comparisonRollup}
      (grain, bucket, ${KEY}, n, sum_serving_confidence, sum_shadow_confidence, max_serving_latency_ms, max_shadow_latency_ms)
    select g.grain, date_bin(g.width, s."timestamp", ${ROLLUP_ORIGIN}), ${KEY.split(', ').map((k) => `s.${k}`).join(', ')},
      count(*), sum(s.serving_confidence), sum(s.shadow_confidence), max(s.serving_latency_ms), max(s.shadow_latency_ms)
    from ${source} s cross join ${grainValues}
    group by 1, 2, 3, 4, 5, 6`;
  const latency = `insert into ${names.comparisonLatency} (grain, bucket, serving_version, shadow_version, side, bin, n)
    select g.grain, date_bin(g.width, s."timestamp", ${ROLLUP_ORIGIN}), s.serving_version, s.shadow_version, b.side, b.bin, count(*)
    from ${source} s
      cross join lateral (values ('serving', ${names.binFn}(s.serving_latency_ms)), ('shadow', ${names.binFn}(s.shadow_latency_ms))) as b(side, bin)
      cross join ${grainValues}
    group by 1, 2, 3, 4, 5, 6`;
  return { rollup, latency };
}
