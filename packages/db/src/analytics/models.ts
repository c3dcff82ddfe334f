import type { ModelStats } from '@sentiment/contract/analytics';
import type { AnalyticsContext } from './context.js';
import { firstOrLast, overPieces } from './ranges.js';
import { countsOf, isoUtc, RAW_COUNTS, SUM_COUNTS } from './rows.js';
import type { AnalyticsFilters } from './types.js';

// Per model version with predictions in a range: totals, averages, first and last seen.

const toModelStats = (r: Record<string, unknown>): ModelStats => {
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
};

export async function models({ names, query }: AnalyticsContext, f: AnalyticsFilters = {}): Promise<ModelStats[]> {
  const parts = overPieces(f, {
    raw: (w) => `select model_version, count(*) as n, ${RAW_COUNTS}, sum(confidence_score) as sc, sum(latency_ms) as sl,
        count(*) filter (where cache_hit) as ch from ${names.prediction} ${w} group by 1`,
    rollup: (w) => `select model_version, sum(n) as n, ${SUM_COUNTS}, sum(sum_confidence) as sc, sum(sum_latency_ms) as sl,
        sum(cache_hits) as ch from ${names.rollup} ${w} group by 1`,
  });
  // first/last seen per model: an index probe each on (model_version, timestamp).
  const first = firstOrLast(names.prediction, 'min', f, 't.model_version');
  const last = firstOrLast(names.prediction, 'max', f, 't.model_version');
  const rows = await query<Record<string, unknown>>({
    text: `select m.*, ${isoUtc('m.first_seen')} as first_seen_iso, ${isoUtc('m.last_seen')} as last_seen_iso from (
        select t.model_version, sum(n) as n, ${SUM_COUNTS}, sum(sc) as sc, sum(sl) as sl, sum(ch) as ch,
          (${first.text}) as first_seen, (${last.text}) as last_seen
        from (${parts.text}) t group by t.model_version having sum(n) > 0
      ) m order by m.last_seen desc, m.model_version`,
    params: [...first.params, ...last.params, ...parts.params],
  });
  return rows.map(toModelStats);
}
