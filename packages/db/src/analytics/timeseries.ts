import { BUCKET_MS, SENTIMENTS } from '@sentiment/core';
import type { Timeseries, TimeseriesPoint } from '@sentiment/contract/analytics';
import { floorTo, splitRange } from '../rollup-ranges.js';
import type { AnalyticsContext } from './context.js';
import { overPieces } from './ranges.js';
import { COUNT_COLUMNS, countsInOrder, ratio, SUM_COUNTS } from './rows.js';
import type { TimeseriesOptions } from './types.js';

// Counts and averages per UTC minute, hour or day of a range: every bucket, zeros included.

/** A point as the query returns it: [start (epoch ms), n, sum confidence, sum latency, ...counts (COUNT_COLUMNS)]. */
type PointRow = [number, number, number, number, ...number[]];

export async function timeseries({ names, query }: AnalyticsContext, { bucket, from, to, modelVersion }: TimeseriesOptions): Promise<Timeseries> {
  if (!(from < to)) throw new RangeError('timeseries needs from < to');
  const start = (column: string) => `date_trunc('${bucket}', ${column}, 'UTC')`;
  // Plain rows summed once (a minute series reads one rollup row per point and model). Counts are
  // summed as float8: exact for integers below 2^53, and far cheaper than numeric.
  const parts = overPieces(
    { modelVersion },
    {
      raw: (w) => `select ${start('"timestamp"')} as start, 1::float8 as n,
          ${SENTIMENTS.map((s) => `(predicted_sentiment = '${s}')::int::float8 as n_${s}`).join(', ')}, confidence_score as sc, latency_ms as sl
        from ${names.prediction} ${w}`,
      rollup: (w) => `select ${start('bucket')} as start, n::float8, ${SENTIMENTS.map((s) => `n_${s}::float8`).join(', ')}, sum_confidence as sc, sum_latency_ms as sl
        from ${names.rollup} ${w}`,
    },
    splitRange(from, to, bucket),
  );
  // One JSON array back instead of a row per point: a long series costs the driver one parse, not thousands.
  const [row] = await query<{ points: PointRow[] | null }>({
    text: `select json_agg(json_build_array(extract(epoch from start) * 1000, n, sc, sl, ${COUNT_COLUMNS})) as points from (
        select start, sum(n) as n, ${SUM_COUNTS}, sum(sc) as sc, sum(sl) as sl from (${parts.text}) t group by start
      ) g`,
    params: parts.params,
  });
  const byStart = new Map((row?.points ?? []).map((p) => [p[0], p]));
  const points: TimeseriesPoint[] = [];
  for (let t = floorTo(from.getTime(), bucket); t < to.getTime(); t += BUCKET_MS[bucket]) {
    const [, n = 0, sc = 0, sl = 0, ...counts] = byStart.get(t) ?? [];
    points.push({ start: new Date(t).toISOString(), total: n, counts: countsInOrder(counts), avg_confidence: ratio(sc, n), avg_latency_ms: ratio(sl, n) });
  }
  return { bucket, from: from.toISOString(), to: to.toISOString(), points };
}
