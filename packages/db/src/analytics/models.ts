import type { ModelStats } from '@sentiment/contract/analytics';
import type { AnalyticsContext } from './context.js';
import { overPieces, seenDays, seenProbe } from './ranges.js';
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

export async function models(ctx: AnalyticsContext, f: AnalyticsFilters = {}): Promise<ModelStats[]> {
  const { names, query } = ctx;
  const parts = overPieces(f, {
    raw: (w) => `select model_version, count(*) as n, ${RAW_COUNTS}, sum(confidence_score) as sc, sum(latency_ms) as sl,
        count(*) filter (where cache_hit) as ch from ${names.prediction} ${w} group by 1`,
    rollup: (w) => `select model_version, sum(n) as n, ${SUM_COUNTS}, sum(sum_confidence) as sc, sum(sum_latency_ms) as sl,
        sum(cache_hits) as ch from ${names.rollup} ${w} group by 1`,
  });
  // first/last seen per model: an index probe each on (model_version, timestamp), within the first and
  // last days holding its rows.
  const seen = [...(await seenDays(ctx, f))].map(([model, days]) => {
    const first = seenProbe(names.prediction, 'min', f, days, model);
    const last = seenProbe(names.prediction, 'max', f, days, model);
    return { text: `select ?::text as model_version, (${first.text}) as first_seen, (${last.text}) as last_seen`, params: [model, ...first.params, ...last.params] };
  });
  if (seen.length === 0) return [];
  const rows = await query<Record<string, unknown>>({
    text: `with seen as (${seen.map((s) => s.text).join(' union all ')})
      select m.*, ${isoUtc('s.first_seen')} as first_seen_iso, ${isoUtc('s.last_seen')} as last_seen_iso from (
        select t.model_version, sum(n) as n, ${SUM_COUNTS}, sum(sc) as sc, sum(sl) as sl, sum(ch) as ch
        from (${parts.text}) t group by t.model_version having sum(n) > 0
      ) m join seen s using (model_version) order by s.last_seen desc, m.model_version`,
    params: [...seen.flatMap((s) => s.params), ...parts.params],
  });
  return rows.map(toModelStats);
}
