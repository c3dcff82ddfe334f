import type { AnalyticsSummary, SentimentDistribution } from '@sentiment/contract/analytics';
import type { AnalyticsContext } from './context.js';
import { overPieces, seenDays, seenProbe } from './ranges.js';
import { countsOf, isoUtc, ratio, RAW_COUNTS, SUM_COUNTS } from './rows.js';
import type { AnalyticsFilters } from './types.js';

// Totals over a range: the summary (count, averages, first and last prediction) and the counts per sentiment.

export async function summary(ctx: AnalyticsContext, f: AnalyticsFilters = {}): Promise<AnalyticsSummary> {
  const { names, query } = ctx;
  const totals = overPieces(f, {
    raw: (w) => `select count(*) as n, sum(confidence_score) as sc, sum(latency_ms) as sl, count(*) filter (where cache_hit) as ch from ${names.prediction} ${w}`,
    rollup: (w) => `select sum(n) as n, sum(sum_confidence) as sc, sum(sum_latency_ms) as sl, sum(cache_hits) as ch from ${names.rollup} ${w}`,
  });
  // The first and last prediction: one probe each, in the first and last days holding rows.
  const seen = [...(await seenDays(ctx, f)).values()];
  const edge = (fn: 'min' | 'max') => {
    if (seen.length === 0) return { text: 'null::timestamptz', params: [] };
    // Over all models: the earliest of the first days, the latest of the last ones.
    const bound = (key: keyof (typeof seen)[number], earliest: boolean) => {
      const times = seen.map((m) => m[key]?.getTime()).filter((t): t is number => t !== undefined);
      return times.length ? new Date((earliest ? Math.min : Math.max)(...times)) : undefined;
    };
    const all = { first: bound('first', true)!, last: bound('last', false)!, firstWhole: bound('firstWhole', true), lastWhole: bound('lastWhole', false) };
    const probe = seenProbe(names.prediction, fn, f, all, f.modelVersion);
    return { text: `(${probe.text})`, params: probe.params };
  };
  const earliest = edge('min');
  const latest = edge('max');
  const [row] = await query<Record<string, unknown>>({
    text: `select sum(n) as n, sum(sc) as sc, sum(sl) as sl, sum(ch) as ch,
        ${isoUtc(earliest.text)} as earliest, ${isoUtc(latest.text)} as latest
      from (${totals.text}) t`,
    params: [...earliest.params, ...latest.params, ...totals.params],
  });
  const n = Number(row?.n ?? 0);
  const at = (value: unknown) => (n > 0 ? ((value as string | null) ?? null) : null);
  return {
    total_predictions: n,
    avg_confidence: ratio(row?.sc, n),
    avg_latency_ms: ratio(row?.sl, n),
    cache_hit_rate: ratio(row?.ch, n),
    date_range: { earliest: at(row?.earliest), latest: at(row?.latest) },
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
