// npm run bench:analytics [-- --sizes 100000,1000000,10000000 --requests 400 --days 7 --keep]
//                          [--comparisons 1000000,10000000]
//
// Seeds each size into its own schema of database `test` (scripts/seed-predictions.ts: COPY, then the
// rollups), then times every analytics query through the API's repository (the SQL the routes run) plus
// JSON.stringify of the answer, and prints p50/p95 per size and the largest size's p95 over the
// smallest's. Sizes alternate request by request, so load from other processes on the machine hits
// them alike. Schemas are dropped at the end; --keep leaves them, and a later run reuses those whose row
// count matches. --comparisons times GET /analytics/compare the same way over that many shadow-run pairs
// (scripts/seed-comparisons.ts), in schemas of their own; `--sizes ''` skips the predictions part.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createAnalyticsRepository, initOrm } from '@sentiment/db';
import { cases, day, HOUR, quantile, recentCursors, time, type Case, type Dataset } from './analytics-cases.js';
import { SEED_SHADOW_ONLY, seedComparisons } from '../scripts/seed-comparisons.js';
import { SEED_MODELS, seedPredictions } from '../scripts/seed-predictions.js';
import { TEST_DATABASE_URL } from '../test/support/services.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000,10000000' },
    requests: { type: 'string', default: '400' },
    days: { type: 'string', default: '7' },
    keep: { type: 'boolean', default: false },
    comparisons: { type: 'string', default: '' },
  },
});
const DATABASE_URL = TEST_DATABASE_URL;
const sizeList = (list: string) => list.split(',').filter(Boolean).map(Number);
const sizes = sizeList(args.sizes);
const comparisonSizes = sizeList(args.comparisons);
const requests = Number(args.requests);
const days = Number(args.days);
const ROUNDS = 4;
const WARMUP = 10;
// The ratio of two p95s is noisy on a shared machine: more requests steady it.
const [V1, V2] = SEED_MODELS;

const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');


const name = (version: string) => version.split('+')[0]!;
/** GET /analytics/compare as the dashboard and an API client ask it: names and versions, both orientations. */
const compareCases: Case[] = [
  { name: 'compare names, everything', run: (d) => d.repo.compare({ a: name(V1), b: name(V2) }) },
  { name: 'compare versions 24h', run: (d, i) => d.repo.compare({ a: V1, b: V2, ...day(d, i) }) },
  { name: 'compare names swapped 24h', run: (d, i) => d.repo.compare({ a: name(V2), b: name(V1), ...day(d, i) }) },
  {
    name: 'compare version vs name 7d (aligned)',
    run: (d) => {
      const to = Math.ceil((d.end + 1) / HOUR) * HOUR;
      return d.repo.compare({ a: V2, b: name(SEED_SHADOW_ONLY), from: new Date(to - 168 * HOUR), to: new Date(to) });
    },
  },
];

/** What a dataset holds: predictions (the analytics endpoints) or shadow-run pairs (compare). */
const KINDS = {
  predictions: { prefix: 'bench_analytics', table: 'predictions', rollup: 'prediction_rollup', seed: seedPredictions, what: 'rows' },
  comparisons: { prefix: 'bench_compare', table: 'model_comparisons', rollup: 'model_comparison_rollup', seed: seedComparisons, what: 'pairs' },
} as const;

async function prepare(size: number, kind: keyof typeof KINDS = 'predictions'): Promise<Dataset> {
  const k = KINDS[kind];
  const schema = `${k.prefix}_${label(size).toLowerCase()}`;
  const orm = await initOrm({ clientUrl: DATABASE_URL, schema, poolMax: 2 });
  const conn = orm.em.getConnection();
  const [table] = await conn.execute<{ t: string | null }[]>(`select to_regclass(?)::text as t`, [`"${schema}".${k.rollup}`]);
  const [existing] = table?.t
    ? await conn.execute<{ n: string | null }[]>(`select sum(n) as n from "${schema}".${k.rollup} where grain = 'day'`)
    : [];
  if (Number(existing?.n) === size) {
    console.log(`${label(size)}: reusing schema ${schema}`);
  } else {
    await conn.execute(`drop schema if exists "${schema}" cascade`);
    console.log(`${label(size)}: seeding ${size} ${k.what} over ${days} days into ${schema} (load ${load()})`);
    const r = await k.seed({ clientUrl: DATABASE_URL, schema, rows: size, days, log: console.log });
    console.log(`${label(size)}: COPY with rollups ${(r.copyMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(r.vacuumMs / 1000).toFixed(1)} s`);
  }
  const [row] = await conn.execute<{ end: Date }[]>(`select max("timestamp") as end from "${schema}".${k.table}`);
  const repo = createAnalyticsRepository(orm);
  const d: Dataset = { size, schema, orm, repo, end: new Date(row!.end).getTime(), cursors: [] };
  if (kind === 'comparisons') return d;
  d.cursors = await recentCursors(d);
  return d;
}


/** Times `cases` over `sets` (sizes alternating request by request) and prints p50/p95 per size. */
async function measure(title: string, cases: Case[], sets: Dataset[]): Promise<void> {
  const sizesHere = sets.map((d) => d.size);
  const samples = new Map<string, number[]>();
  console.log(`\n${title}: ${requests} requests per query and size (${ROUNDS} round-robin rounds, ${WARMUP} warm-up requests each); load ${load()}`);
  for (const d of sets) for (const c of cases) for (let i = 0; i < WARMUP; i++) await time(c, d, i);
  // Sizes alternate request by request, so a burst of load from elsewhere hits them alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      for (let k = 0; k < requests / ROUNDS; k++) {
        const i = round * requests + k;
        for (const d of sets) {
          const key = `${c.name}|${d.size}`;
          if (!samples.has(key)) samples.set(key, []);
          samples.get(key)!.push(await time(c, d, i));
        }
      }
    }
  }

  const first = sizesHere[0]!;
  const last = sizesHere.at(-1)!;
  const ratioLabel = `${label(last)}/${label(first)}`;
  const header = ['query'.padEnd(38), ...sizesHere.map((s) => `${label(s)} p50/p95 ms`.padStart(18)), `${ratioLabel} p95`.padStart(14), `${ratioLabel} p50`.padStart(14)];
  console.log(`\n${header.join(' ')}`);
  let worstP95 = 0;
  let worstRatio = 0;
  for (const c of cases) {
    const cells = sizesHere.map((s) => {
      const xs = samples.get(`${c.name}|${s}`)!;
      return `${quantile(xs, 0.5).toFixed(2)} / ${quantile(xs, 0.95).toFixed(2)}`.padStart(18);
    });
    const at = (size: number, q: number) => quantile(samples.get(`${c.name}|${size}`)!, q);
    const ratio = at(last, 0.95) / at(first, 0.95);
    worstP95 = Math.max(worstP95, at(last, 0.95));
    worstRatio = Math.max(worstRatio, ratio);
    console.log(`${c.name.padEnd(38)} ${cells.join(' ')} ${ratio.toFixed(2).padStart(14)} ${(at(last, 0.5) / at(first, 0.5)).toFixed(2).padStart(14)}`);
  }
  console.log(`\nworst p95 at ${label(last)}: ${worstP95.toFixed(2)} ms (target <= 20); worst ${ratioLabel} p95 ratio: ${worstRatio.toFixed(2)} (target <= 2)`);
}

async function main(): Promise<void> {
  console.log(`machine: ${os.availableParallelism()} cores, load average ${load()} (shared)`);
  const datasets: Dataset[] = [];
  try {
    for (const size of sizes) datasets.push(await prepare(size));
    const comparisonSets: Dataset[] = [];
    for (const size of comparisonSizes) comparisonSets.push(await prepare(size, 'comparisons'));
    datasets.push(...comparisonSets);
    if (sizes.length) await measure('analytics', cases, datasets.slice(0, sizes.length));
    if (comparisonSets.length) await measure('GET /analytics/compare', compareCases, comparisonSets);
    console.log(`load average at the end: ${load()}`);
  } finally {
    for (const d of datasets) {
      if (!args.keep) await d.orm.em.getConnection().execute(`drop schema if exists "${d.schema}" cascade`);
      await d.orm.close(true);
    }
    if (args.keep) console.log(`kept schemas: ${datasets.map((d) => d.schema).join(', ')}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
