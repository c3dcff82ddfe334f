// npm run bench:partitions [-- --rows 10000000 --days 30 --layouts plain,day,month --requests 200 --flushes 120 --keep]
//                          [--steps inserts,analytics,retention]
//
// The predictions table before and after partitioning, at the same size in one run: `plain` (the table as
// Migration20261207000000 left it), `day` (the shipped layout: a partition per UTC day) and `month` (the
// same table with a partition per calendar month instead). Each layout is seeded with the same rows
// (scripts/seed-predictions.ts: COPY over the days ending now) into its own schema of database `test`, then:
// 1. inserts: flushes of 500 new rows at the current time through the prediction writer (unit of work;
//    each flush a new job with an id as the API makes them, so every row is new), layouts alternating flush
//    by flush: rows/s (median) and p95 ms per flush;
// 2. analytics: every query of bench:analytics (analytics-cases.ts), layouts alternating request by
//    request: p50/p95 per layout, and day/plain p95;
// 3. retention of the oldest day: `plain` deletes its rows in chunks of 5,000 (what retention did before
//    partitions), `day` drops its partition; `month` cannot drop less than a month (n/a).
// Kept schemas (--keep) are reused by later runs of the same --rows (marked by a comment on the schema),
// also after step 3 took their oldest day; --steps picks the steps to run.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createAnalyticsRepository, createPredictionWriter, dropPartitionsBefore, initOrm, listPartitions, migrateUp, PARTITION_WIDTH_MS, type NewPrediction, type Orm } from '@sentiment/db';
import { newJobId } from '@sentiment/queue';
import { SEED_MODELS, seedPredictions } from '../scripts/seed-predictions.js';
import { TEST_DATABASE_URL } from '../test/support/services.js';
import { cases, quantile, recentCursors, time, type Dataset } from './analytics-cases.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '30' },
    layouts: { type: 'string', default: 'plain,day,month' },
    requests: { type: 'string', default: '200' },
    flushes: { type: 'string', default: '120' },
    keep: { type: 'boolean', default: false },
    steps: { type: 'string', default: 'inserts,analytics,retention' },
  },
});
const LAYOUTS = ['plain', 'day', 'month'] as const;
type Layout = (typeof LAYOUTS)[number];
const rows = Number(args.rows);
const days = Number(args.days);
const requests = Number(args.requests);
const flushes = Number(args.flushes);
const layouts = args.layouts.split(',').filter(Boolean) as Layout[];
for (const l of layouts) if (!LAYOUTS.includes(l)) throw new Error(`unknown layout ${l} (${LAYOUTS.join(', ')})`);
const BEFORE_PARTITIONS = 'Migration20261207000000';
const steps = new Set(args.steps.split(','));
const FLUSH_ROWS = 500;
/** Every layout's rows end here: the same rows in each (a reused schema keeps its own). */
const END = new Date();
const WARMUP = 5;

const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs: number[]) => quantile(xs, 0.5);

interface LayoutData extends Dataset {
  layout: Layout;
}

/** `month`: the migrated table's day partitions (empty) replaced by one per calendar month of the span. */
async function monthPartitions(orm: Orm, from: Date, to: Date): Promise<void> {
  const conn = orm.em.getConnection();
  for (const p of await listPartitions(orm)) await conn.execute(`drop table "${orm.config.get('schema')}"."${p.name}"`);
  for (let m = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)); m <= to; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
    const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
    await conn.execute(`select predictions_create_partition(?::timestamptz, ?::timestamptz)`, [m.toISOString(), next.toISOString()]);
  }
}

async function prepare(layout: Layout): Promise<LayoutData> {
  const schema = `bench_partitions_${layout}_${label(rows).toLowerCase()}`;
  const orm = await initOrm({ clientUrl: TEST_DATABASE_URL, schema, poolMax: 4 });
  const conn = orm.em.getConnection();
  const mark = `bench:partitions ${rows} rows`;
  const [existing] = await conn.execute<{ mark: string | null }[]>(`select obj_description(oid, 'pg_namespace') as mark from pg_namespace where nspname = ?`, [schema]);
  if (existing?.mark === mark) {
    console.log(`${layout}: reusing schema ${schema}`);
  } else {
    await conn.execute(`drop schema if exists "${schema}" cascade`);
    const end = END;
    if (layout === 'month') {
      await conn.execute(`create schema "${schema}"`);
      await migrateUp(orm);
      await monthPartitions(orm, new Date(end.getTime() - days * PARTITION_WIDTH_MS), new Date(end.getTime() + 31 * PARTITION_WIDTH_MS));
    }
    console.log(`${layout}: seeding ${label(rows)} rows over ${days} days into ${schema} (load ${load()})`);
    const r = await seedPredictions({ clientUrl: TEST_DATABASE_URL, schema, rows, days, end, migrateTo: layout === 'plain' ? BEFORE_PARTITIONS : undefined, log: console.log });
    console.log(`${layout}: COPY with rollups ${(r.copyMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(r.vacuumMs / 1000).toFixed(1)} s`);
    await conn.execute(`comment on schema "${schema}" is '${mark}'`);
  }
  const parts = await listPartitions(orm);
  console.log(`${layout}: ${parts.length} partitions`);
  const [row] = await conn.execute<{ end: Date }[]>(`select max("timestamp") as end from "${schema}".predictions`);
  const set: LayoutData = { layout, size: rows, schema, orm, repo: createAnalyticsRepository(orm), end: new Date(row!.end).getTime(), cursors: [] };
  set.cursors = await recentCursors(set);
  return set;
}

/** A flush of new rows: a new job, at the current time, the seed's newest model. */
function newRows(): NewPrediction[] {
  const jobId = newJobId();
  const now = Date.now();
  return Array.from({ length: FLUSH_ROWS }, (_, i) => ({
    id: randomUUID(),
    timestamp: new Date(now + i),
    inputText: null,
    sentiment: (['negative', 'neutral', 'positive'] as const)[i % 3],
    confidence: 0.6 + (i % 40) / 100,
    latencyMs: 2 + (i % 17),
    modelVersion: SEED_MODELS[1],
    cacheHit: i % 5 === 0,
    jobId,
    itemIndex: i,
  }));
}

async function measureInserts(sets: LayoutData[]): Promise<void> {
  const writers = new Map(sets.map((s) => [s.layout, createPredictionWriter(s.orm)]));
  const ms = new Map<Layout, number[]>(sets.map((s) => [s.layout, []]));
  for (let f = 0; f < WARMUP + flushes; f++) {
    for (const s of sets) {
      const batch = newRows();
      const started = performance.now();
      const stored = await writers.get(s.layout)!.insertMany(batch);
      const took = performance.now() - started;
      if (stored !== FLUSH_ROWS) throw new Error(`${s.layout}: stored ${stored} of ${FLUSH_ROWS}`);
      if (f >= WARMUP) ms.get(s.layout)!.push(took);
    }
  }
  console.log(`\ninserts: ${flushes} flushes of ${FLUSH_ROWS} new rows per layout through the unit-of-work writer (layouts alternating); load ${load()}`);
  console.log(`${'layout'.padEnd(8)} ${'rows/s (median)'.padStart(16)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`);
  for (const s of sets) {
    const xs = ms.get(s.layout)!;
    console.log(`${s.layout.padEnd(8)} ${((FLUSH_ROWS * 1000) / median(xs)).toFixed(0).padStart(16)} ${median(xs).toFixed(2).padStart(8)} ${quantile(xs, 0.95).toFixed(2).padStart(8)}`);
  }
}

async function measureAnalytics(sets: LayoutData[]): Promise<void> {
  const samples = new Map<string, number[]>();
  for (const s of sets) for (const c of cases) for (let i = 0; i < WARMUP; i++) await time(c, s, i);
  for (const c of cases) {
    for (let i = 0; i < requests; i++) {
      for (const s of sets) {
        const key = `${c.name}|${s.layout}`;
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key)!.push(await time(c, s, i));
      }
    }
  }
  const base = sets.find((s) => s.layout === 'plain');
  console.log(`\nanalytics at ${label(rows)} rows: ${requests} requests per query and layout (alternating); load ${load()}`);
  console.log([`${'query'.padEnd(40)}`, ...sets.map((s) => `${s.layout} p50/p95 ms`.padStart(20)), ...(base ? sets.filter((s) => s !== base).map((s) => `${s.layout}/plain p95`.padStart(16)) : [])].join(' '));
  const worst = new Map<Layout, number>();
  for (const c of cases) {
    const at = (s: LayoutData, q: number) => quantile(samples.get(`${c.name}|${s.layout}`)!, q);
    for (const s of sets) worst.set(s.layout, Math.max(worst.get(s.layout) ?? 0, at(s, 0.95)));
    const cells = sets.map((s) => `${at(s, 0.5).toFixed(2)} / ${at(s, 0.95).toFixed(2)}`.padStart(20));
    const ratios = base ? sets.filter((s) => s !== base).map((s) => (at(s, 0.95) / at(base, 0.95)).toFixed(2).padStart(16)) : [];
    console.log([c.name.padEnd(40), ...cells, ...ratios].join(' '));
  }
  console.log(`worst p95: ${sets.map((s) => `${s.layout} ${worst.get(s.layout)!.toFixed(2)} ms`).join(', ')}`);
}

async function measureRetention(sets: LayoutData[]): Promise<void> {
  console.log(`\nretention of the oldest day (load ${load()}):`);
  for (const s of sets) {
    const conn = s.orm.em.getConnection();
    const [oldest] = await conn.execute<{ t: Date }[]>(`select min("timestamp") as t from "${s.schema}".predictions`);
    const cutoff = new Date((Math.floor(new Date(oldest!.t).getTime() / PARTITION_WIDTH_MS) + 1) * PARTITION_WIDTH_MS);
    const started = performance.now();
    if (s.layout === 'plain') {
      let deleted = 0;
      for (;;) {
        const [r] = await conn.execute<{ n: number }[]>(
          `with del as (delete from "${s.schema}".predictions where id in (select id from "${s.schema}".predictions where "timestamp" < ? order by "timestamp" limit 5000) returning 1) select count(*)::int as n from del`,
          [cutoff],
        );
        deleted += r!.n;
        if (r!.n < 5000) break;
      }
      console.log(`  plain: ${deleted} rows deleted in chunks of 5,000 in ${(performance.now() - started).toFixed(0)} ms (dead tuples left for vacuum)`);
    } else if (s.layout === 'day') {
      const dropped = await dropPartitionsBefore(s.orm, cutoff);
      console.log(`  day:   ${dropped.rows} rows gone with ${dropped.partitions.join(', ')} in ${(performance.now() - started).toFixed(0)} ms`);
    } else {
      console.log('  month: n/a (a month is the smallest unit it can drop)');
    }
  }
}

async function main(): Promise<void> {
  console.log(`machine: ${os.availableParallelism()} cores, load average ${load()} (shared); ${label(rows)} rows over ${days} days per layout`);
  const sets: LayoutData[] = [];
  try {
    for (const layout of layouts) sets.push(await prepare(layout));
    if (steps.has('inserts')) await measureInserts(sets);
    if (steps.has('analytics')) await measureAnalytics(sets);
    if (steps.has('retention')) await measureRetention(sets);
    console.log(`\nload average at the end: ${load()}`);
  } finally {
    for (const s of sets) {
      if (!args.keep) await s.orm.em.getConnection().execute(`drop schema if exists "${s.schema}" cascade`);
      await s.orm.close(true);
    }
    if (args.keep) console.log(`kept schemas: ${sets.map((s) => s.schema).join(', ')}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
