import type { LatencyStats } from '@sentiment/contract/analytics';
import { LATENCY_RESOLUTION, percentilesFromBins } from '../latency-histogram.js';
import { splitRange } from '../rollup-ranges.js';
import type { AnalyticsContext } from './context.js';
import { overPieces } from './ranges.js';
import { toNumberOrNull } from './rows.js';
import type { AnalyticsFilters } from './types.js';

// Latency over a range: percentiles from the rollups' histograms (see latency-histogram.ts), exact count and max.

export async function latency({ names, query }: AnalyticsContext, f: AnalyticsFilters = {}): Promise<LatencyStats> {
  const pieces = splitRange(f.from, f.to);
  const bins = overPieces(
    f,
    {
      // Plain rows, summed once outside: one aggregate instead of one per piece.
      raw: (w) => `select ${names.binFn}(latency_ms) as bin, 1::bigint as n from ${names.prediction} ${w}`,
      rollup: (w) => `select bin, n from ${names.latency} ${w}`,
    },
    pieces,
  );
  const max = overPieces(
    f,
    {
      raw: (w) => `select max(latency_ms) as m from ${names.prediction} ${w}`,
      rollup: (w) => `select max(max_latency_ms) as m from ${names.rollup} ${w}`,
    },
    pieces,
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
}
