// The analytics queries the benchmarks time (bench:analytics, bench:partitions): what the routes run,
// through the API's repository, over a seeded dataset, plus JSON.stringify of the answer.
import type { AnalyticsRepository, Orm, RecentCursor } from '@sentiment/db';
import { SEED_MODELS } from '../scripts/seed-predictions.js';

const [V1, V2] = SEED_MODELS;

export interface Dataset {
  size: number;
  schema: string;
  orm: Orm;
  repo: AnalyticsRepository;
  /** Newest row: windows are placed relative to it, so kept datasets measure the same way later. */
  end: number;
  cursors: RecentCursor[];
}

/** A query of the bench; `i` varies the window so not every request reads the same rows. */
export interface Case {
  name: string;
  run(d: Dataset, i: number): Promise<unknown>;
}

export const HOUR = 3_600_000;
/** 24 hours ending up to 6 h before the newest row, at millisecond offsets: both edges cut minutes. */
export const day = (d: Dataset, i: number) => {
  const to = d.end - ((i * 7_919_933) % (6 * HOUR)) - 12_345;
  return { from: new Date(to - 24 * HOUR), to: new Date(to) };
};

export const cases: Case[] = [
  { name: 'summary', run: (d) => d.repo.summary() },
  { name: 'summary 24h+model', run: (d, i) => d.repo.summary({ ...day(d, i), modelVersion: V2 }) },
  { name: 'sentiment-distribution', run: (d) => d.repo.distribution() },
  { name: 'sentiment-distribution 24h+model', run: (d, i) => d.repo.distribution({ ...day(d, i), modelVersion: V2 }) },
  { name: 'recent limit=100', run: (d) => d.repo.recentPage({ limit: 100 }) },
  { name: 'recent 24h limit=100', run: (d, i) => d.repo.recentPage({ ...day(d, i), limit: 100 }) },
  { name: 'recent model+before (page 2)', run: (d, i) => d.repo.recentPage({ limit: 100, modelVersion: V1, before: d.cursors[i % d.cursors.length] }) },
  { name: 'timeseries minute, 60 (default)', run: (d, i) => d.repo.timeseries({ bucket: 'minute', to: day(d, i).to, from: new Date(day(d, i).to.getTime() - HOUR) }) },
  { name: 'timeseries hour 24h+model', run: (d, i) => d.repo.timeseries({ bucket: 'hour', ...day(d, i), modelVersion: V2 }) },
  {
    // What the dashboard's 7-day view asks: 168 hours ending with the current one.
    name: 'timeseries hour 7d (168 points, aligned)',
    run: (d) => {
      const to = Math.ceil((d.end + 1) / HOUR) * HOUR;
      return d.repo.timeseries({ bucket: 'hour', from: new Date(to - 168 * HOUR), to: new Date(to) });
    },
  },
  { name: 'timeseries minute 24h (1,440 points)', run: (d, i) => d.repo.timeseries({ bucket: 'minute', ...day(d, i) }) },
  { name: 'timeseries day, 7 days', run: (d) => d.repo.timeseries({ bucket: 'day', from: new Date(d.end - 7 * 24 * HOUR), to: new Date(d.end + 1) }) },
  { name: 'latency', run: (d) => d.repo.latency() },
  { name: 'latency 24h+model', run: (d, i) => d.repo.latency({ ...day(d, i), modelVersion: V2 }) },
  { name: 'models', run: (d) => d.repo.models() },
  { name: 'models 24h', run: (d, i) => d.repo.models(day(d, i)) },
];

/** Page-2 cursors of /analytics/recent (v1 only), from first pages ending at different times. */
export async function recentCursors(d: Dataset): Promise<RecentCursor[]> {
  const cursors: RecentCursor[] = [];
  for (let i = 0; i < 20; i++) {
    const page = await d.repo.recentPage({ limit: 100, modelVersion: V1, to: new Date(d.end - i * 5 * HOUR) });
    if (page.next) cursors.push(page.next);
  }
  return cursors;
}

export async function time(c: Case, d: Dataset, i: number): Promise<number> {
  const started = performance.now();
  JSON.stringify(await c.run(d, i));
  return performance.now() - started;
}

export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
