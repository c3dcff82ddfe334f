/**
 * Widths of the UTC time buckets, in milliseconds; a bucket starts on a multiple of its width since the
 * epoch. The rollup grains (db) and the timeseries buckets (contract, API, dashboard) are among these.
 */
export const BUCKET_MS = { minute: 60_000, '10min': 600_000, hour: 3_600_000, day: 86_400_000 } as const;
export type TimeBucket = keyof typeof BUCKET_MS;

/** The buckets a timeseries (GET /analytics/timeseries) may use: UTC minutes, hours or days. */
export const TIMESERIES_BUCKETS = ['minute', 'hour', 'day'] as const satisfies readonly TimeBucket[];
export type TimeseriesBucket = (typeof TIMESERIES_BUCKETS)[number];
