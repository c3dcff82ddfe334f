import { pingDatabase, type Orm } from '../config.js';
import { compare } from './compare.js';
import { analyticsContext } from './context.js';
import { latency } from './latency.js';
import { models } from './models.js';
import { recentPage } from './recent.js';
import { distribution, summary } from './summary.js';
import { timeseries } from './timeseries.js';
import type { AnalyticsRepository } from './types.js';

/**
 * The analytics queries of one ORM, one file per family (summary.ts, recent.ts, timeseries.ts,
 * latency.ts, models.ts, compare.ts) over shared pieces: ranges.ts splits a range into rollup and raw pieces and
 * builds their filters, rows.ts maps columns to answers. Aggregates read the rollup tables piece by
 * piece: whole days, hours and minutes from the rollups, the partial minutes at the edges of [from, to)
 * from the raw rows through the timestamp index. Every answer is exact (percentiles up to the
 * histogram's stated resolution) and costs about the same at 100 thousand or 10 million rows.
 */
export function createAnalyticsRepository(orm: Orm): AnalyticsRepository {
  const ctx = analyticsContext(orm);
  return {
    summary: (f) => summary(ctx, f),
    distribution: (f) => distribution(ctx, f),
    recent: async (options) => (await recentPage(ctx, options)).rows,
    recentPage: (options) => recentPage(ctx, options),
    timeseries: (options) => timeseries(ctx, options),
    latency: (f) => latency(ctx, f),
    models: (f) => models(ctx, f),
    compare: (options) => compare(ctx, options),
    ping: () => pingDatabase(orm),
  };
}
