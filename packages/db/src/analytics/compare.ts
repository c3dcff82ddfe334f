import { SENTIMENTS, type Sentiment } from '@sentiment/core';
import type { ComparisonSide, ConfusionMatrix, VersionComparison } from '@sentiment/contract/analytics';
import { LATENCY_RESOLUTION, percentilesFromBins } from '../latency-histogram.js';
import { splitRange } from '../rollup-ranges.js';
import type { AnalyticsContext, Sql } from './context.js';
import { overPieces } from './ranges.js';
import type { CompareOptions } from './types.js';

// Shadow runs: model (version) a against model (version) b over the pairs of model_comparisons, whichever
// of the two served. Read like every other analytics answer: whole buckets from the comparison rollups,
// the partial minutes at the edges from the raw rows (overPieces), so counts and sums are exact.

/** `a` or `b` as a predicate on a version column: one version, or every `name+…` of a model name. */
function matches(ref: string, column: string): Sql {
  return /\+[0-9a-f]{8}$/.test(ref) ? { text: `${column} = ?`, params: [ref] } : { text: `starts_with(${column}, ?)`, params: [`${ref}+`] };
}

/**
 * The pairs of a and b, and whether the serving side is a: the version sets of a and b never overlap
 * (the API refuses overlapping references), so a row matches at most one orientation.
 */
function pairFilter(o: CompareOptions): { where: Sql; servingIsA: Sql } {
  const [as, ah, bs, bh] = [matches(o.a, 'serving_version'), matches(o.a, 'shadow_version'), matches(o.b, 'serving_version'), matches(o.b, 'shadow_version')];
  return {
    where: { text: `((${as.text} and ${bh.text}) or (${bs.text} and ${ah.text}))`, params: [...as.params, ...bh.params, ...bs.params, ...ah.params] },
    servingIsA: as,
  };
}

/** The columns a comparison rollup row is keyed by, after grain and bucket. */
const KEY = 'serving_version, shadow_version, serving_sentiment, shadow_sentiment';

const emptyCounts = () => Object.fromEntries(SENTIMENTS.map((s) => [s, 0])) as Record<Sentiment, number>;

export async function compare({ names, query }: AnalyticsContext, o: CompareOptions): Promise<VersionComparison> {
  const f = { from: o.from, to: o.to };
  const pieces = splitRange(f.from, f.to);
  const { where, servingIsA } = pairFilter(o);
  // The pair filter sits outside the union: Postgres pushes it into every piece (it only reads grouping columns).
  const cells = overPieces(
    f,
    {
      raw: (w) => `select ${KEY}, count(*) as n, sum(serving_confidence) as sc, sum(shadow_confidence) as hc,
          max(serving_latency_ms) as ms, max(shadow_latency_ms) as mh from ${names.comparison} ${w} group by 1, 2, 3, 4`,
      rollup: (w) => `select ${KEY}, sum(n) as n, sum(sum_serving_confidence) as sc, sum(sum_shadow_confidence) as hc,
          max(max_serving_latency_ms) as ms, max(max_shadow_latency_ms) as mh from ${names.comparisonRollup} ${w} group by 1, 2, 3, 4`,
    },
    pieces,
  );
  const bins = overPieces(
    f,
    {
      raw: (w) => `select serving_version, shadow_version, b.side, b.bin, count(*) as n from ${names.comparison}
          cross join lateral (values ('serving', ${names.binFn}(serving_latency_ms)), ('shadow', ${names.binFn}(shadow_latency_ms))) as b(side, bin)
          ${w} group by 1, 2, 3, 4`,
      rollup: (w) => `select serving_version, shadow_version, side, bin, sum(n) as n from ${names.comparisonLatency} ${w} group by 1, 2, 3, 4`,
    },
    pieces,
  );
  const [answers, histogram] = await Promise.all([
    query<{ serving_is_a: boolean; serving_sentiment: Sentiment; shadow_sentiment: Sentiment; n: string; sc: number; hc: number; ms: number | null; mh: number | null }>({
      text: `select ${servingIsA.text} as serving_is_a, serving_sentiment, shadow_sentiment,
          sum(n) as n, sum(sc) as sc, sum(hc) as hc, max(ms) as ms, max(mh) as mh
        from (${cells.text}) p where ${where.text} group by 1, 2, 3`,
      params: [...servingIsA.params, ...cells.params, ...where.params],
    }),
    query<{ is_a: boolean; bin: number; n: string }>({
      text: `select (${servingIsA.text}) = (side = 'serving') as is_a, bin, sum(n) as n from (${bins.text}) p where ${where.text} group by 1, 2`,
      params: [...servingIsA.params, ...bins.params, ...where.params],
    }),
  ]);

  const confusion = Object.fromEntries(SENTIMENTS.map((s) => [s, emptyCounts()])) as ConfusionMatrix;
  const side = () => ({ counts: emptyCounts(), confidence: 0, max: null as number | null, bins: new Map<number, number>() });
  const sides = { a: side(), b: side() };
  let pairs = 0;
  let agreed = 0;
  const maxOf = (x: number | null, y: unknown) => (y === null || y === undefined ? x : Math.max(x ?? -Infinity, Number(y)));
  for (const r of answers) {
    const n = Number(r.n);
    const [aAnswer, bAnswer] = r.serving_is_a ? [r.serving_sentiment, r.shadow_sentiment] : [r.shadow_sentiment, r.serving_sentiment];
    const [aConf, bConf] = r.serving_is_a ? [r.sc, r.hc] : [r.hc, r.sc];
    const [aMax, bMax] = r.serving_is_a ? [r.ms, r.mh] : [r.mh, r.ms];
    pairs += n;
    if (aAnswer === bAnswer) agreed += n;
    confusion[aAnswer][bAnswer] += n;
    sides.a.counts[aAnswer] += n;
    sides.b.counts[bAnswer] += n;
    sides.a.confidence += Number(aConf);
    sides.b.confidence += Number(bConf);
    sides.a.max = maxOf(sides.a.max, aMax);
    sides.b.max = maxOf(sides.b.max, bMax);
  }
  for (const r of histogram) {
    const s = r.is_a ? sides.a : sides.b;
    s.bins.set(Number(r.bin), (s.bins.get(Number(r.bin)) ?? 0) + Number(r.n));
  }
  const stats = (s: ReturnType<typeof side>): ComparisonSide => ({
    mean_confidence: pairs > 0 ? s.confidence / pairs : null,
    counts: s.counts,
    latency: percentilesFromBins(s.bins, s.max),
  });
  return {
    a: o.a,
    b: o.b,
    from: o.from?.toISOString() ?? null,
    to: o.to?.toISOString() ?? null,
    pairs,
    agreement: pairs > 0 ? agreed / pairs : null,
    confusion,
    a_stats: stats(sides.a),
    b_stats: stats(sides.b),
    resolution: LATENCY_RESOLUTION,
  };
}
