import type { AnalyticsSummary, SentimentDistribution } from '@sentiment/contract/analytics';
import type { AnalyticsContext } from './context.js';
import { firstOrLast, overPieces } from './ranges.js';
import { countsOf, isoUtc, ratio, RAW_COUNTS, SUM_COUNTS } from './rows.js';
import type { AnalyticsFilters } from './types.js';

// Totals over a range: the summary (count, averages, first and last prediction) and the counts per sentiment.

export async function summary({ names, query }: AnalyticsContext, f: AnalyticsFilters = {}): Promise<AnalyticsSummary> {
  const totals = overPieces(f, {
    raw: (w) => `select count(*) as n, sum(confidence_score) as sc, sum(latency_ms) as sl, count(*) filter (where cache_hit) as ch from ${names.prediction} ${w}`,
    rollup: (w) => `select sum(n) as n, sum(sum_confidence) as sc, sum(sum_latency_ms) as sl, sum(cache_hits) as ch from ${names.rollup} ${w}`,
  });
  const earliest = firstOrLast(names.prediction, 'min', f);
  const latest = firstOrLast(names.prediction, 'max', f);
  const [row] = await query<Record<string, unknown>>({
    text: `select sum(n) as n, sum(sc) as sc, sum(sl) as sl, sum(ch) as ch,
        ${isoUtc(`(${earliest.text})`)} as earliest, ${isoUtc(`(${latest.text})`)} as latest
      from (${totals.text}) t`,
    params: [...earliest.params, ...latest.params, ...totals.params],
  });
  const n = Number(row?.n ?? 0);
  const seen = (at: unknown) => (n > 0 ? ((at as string | null) ?? null) : null);
  return {
    total_predictions: n,
    avg_confidence: ratio(row?.sc, n),
    avg_latency_ms: ratio(row?.sl, n),
    cache_hit_rate: ratio(row?.ch, n),
    date_range: { earliest: seen(row?.earliest), latest: seen(row?.latest) },
  };
}

export async function distribution({ names, query }: AnalyticsContext, f: AnalyticsFilters = {}): Promise<SentimentDistribution> {
  const counts = overPieces(f, {
    raw: (w) => `select ${RAW_COUNTS} from ${names.prediction} ${w}`,
    rollup: (w) => `select ${SUM_COUNTS} from ${names.rollup} ${w}`,
  });
  const [row] = await query<Record<string, unknown>>({ text: `select ${SUM_COUNTS} from (${counts.text}) t`, params: counts.params });
  return countsOf(row ?? {});
}
