// npm run seed:predictions -- --rows N [--schema S] [--days D] [--seed X]
//
// Loads N synthetic predictions into DATABASE_URL (schema S, default DATABASE_SCHEMA or public; created and migrated if
// needed, with the day partitions the span needs) with one COPY (the table's triggers roll the rows up when it ends), then runs VACUUM ANALYZE.
// What the rows look like:
// - timestamps spread over the D days (default 7) ending now, in time order, with a daily cycle
//   (traffic at 03:00 UTC is a fifth of that at 15:00);
// - model versions: v1 alone for the first two thirds, then v2 rolled out over one day, then 95 % v2
//   and 5 % v1 (a straggling old worker);
// - sentiments 48 % positive, 40 % negative, 12 % neutral; confidence 0.6–1 (neutral 0.5–0.6);
// - 20 % cache hits with the lookup's latency (log-normal, median 0.3 ms), the rest a model call
//   (log-normal, median 4 ms, 1 % of them 8× slower);
// - jobs of 100 items; input_text NULL (as with STORE_INPUT_TEXT=false).
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { databaseSettings, ensurePartitions, initOrm, migrateUp, type Orm } from '@sentiment/db';

export const SEED_MODELS = ['sentiment-sst2-v1+58a0602d', 'sentiment-sst2-v2+c0ffee42'] as const;

export interface SeedOptions {
  clientUrl: string;
  schema?: string;
  rows: number;
  days?: number;
  /** Newest timestamp (default now). */
  end?: Date;
  seed?: number;
  /** Migrate only up to this migration (default: all), e.g. to measure the table before partitioning. */
  migrateTo?: string;
  log?: (line: string) => void;
}

export interface SeedResult {
  rows: number;
  from: Date;
  to: Date;
  copyMs: number;
  /** VACUUM ANALYZE after the COPY. */
  vacuumMs: number;
}

const MINUTE_MS = 60_000;
const ROWS_PER_WRITE = 20_000;

/** mulberry32: the same seed draws the same rows. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows per minute over the span: a daily cycle, rounded so they add up to exactly `rows`. */
export function rowsPerMinute(rows: number, start: number, minutes: number): number[] {
  const weights = Array.from({ length: minutes }, (_, i) => {
    const hour = ((start + i * MINUTE_MS) % 86_400_000) / 3_600_000;
    return 1 + (2 / 3) * Math.sin((2 * Math.PI * (hour - 9)) / 24);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let placed = 0;
  return weights.map((w) => {
    cumulative += w;
    const upTo = Math.round((rows * cumulative) / total);
    const n = upTo - placed;
    placed = upTo;
    return n;
  });
}

/** What a seed draws one row from: its time, its job and item, and the seed's random source. */
export interface SeedRow {
  t: number;
  jobId: string;
  itemIndex: number;
  random: () => number;
  /** A standard normal draw (Box–Muller over `random`). */
  normal: () => number;
  /** Where the span's last third (the roll-out) begins. */
  rolloutStart: number;
}

export interface SeedTable {
  /** The table COPY fills and its column list, in the order `line` writes them. */
  table: string;
  columns: string;
  /** Tables to VACUUM ANALYZE afterwards (the table and its rollups). */
  vacuum: string[];
  /** One tab-separated line (with its newline) for a row. */
  line(row: SeedRow): string;
  /** The default random seed. */
  seed: number;
  /** Runs after migrating, before the COPY (e.g. creating the partitions the rows need). */
  prepare?(orm: Orm, from: Date, to: Date): Promise<unknown>;
}

/**
 * The one way the seeds load rows: into a created and migrated schema, with one COPY (the table's
 * triggers roll the rows up when it ends) of `options.rows` rows over the days ending at `options.end`
 * with a daily cycle, in time order, jobs of 100 items; then VACUUM ANALYZE, as autovacuum would leave
 * the tables (fresh statistics and visibility map: plans and index-only scans as in steady state).
 */
export async function seedTable(options: SeedOptions, spec: SeedTable): Promise<SeedResult> {
  const { clientUrl, schema = 'public', rows } = options;
  const days = options.days ?? 7;
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed ?? spec.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const end = Math.floor((options.end ?? new Date()).getTime());
  const start = end - days * 86_400_000;
  const minutes = Math.ceil((end - start) / MINUTE_MS);
  const rolloutStart = start + ((end - start) * 2) / 3;

  // VACUUM ANALYZE of millions of fresh rows takes longer than the apps' statement timeout.
  const orm = await initOrm({ clientUrl, schema, poolMax: 2, statementTimeoutMs: 3_600_000 });
  const client = new pg.Client({ connectionString: clientUrl });
  try {
    await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
    await migrateUp(orm, { to: options.migrateTo });
    await spec.prepare?.(orm, new Date(start), new Date(end));
    await client.connect();

    const copyStarted = Date.now();
    const stream = client.query(copyFrom(`copy "${schema}".${spec.table} (${spec.columns}) from stdin`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    const perMinute = rowsPerMinute(rows, start, minutes);
    let jobId = randomUUID();
    let written = 0;
    let lines: string[] = [];
    for (let m = 0; m < minutes; m++) {
      const minuteStart = start + m * MINUTE_MS;
      const offsets = Array.from({ length: perMinute[m]! }, () => Math.floor(random() * MINUTE_MS)).sort((a, b) => a - b);
      for (const offset of offsets) {
        if (written % 100 === 0) jobId = randomUUID();
        lines.push(spec.line({ t: Math.min(minuteStart + offset, end), jobId, itemIndex: written % 100, random, normal, rolloutStart }));
        written++;
        if (lines.length === ROWS_PER_WRITE) {
          if (!stream.write(lines.join(''))) await new Promise((resolve) => stream.once('drain', resolve));
          lines = [];
          if (written % 1_000_000 === 0) log(`  ${(written / 1e6).toFixed(0)}M rows copied (${((Date.now() - copyStarted) / 1000).toFixed(0)} s)`);
        }
      }
    }
    stream.end(lines.join(''));
    await done;
    const copyMs = Date.now() - copyStarted;

    const vacuumStarted = Date.now();
    for (const table of spec.vacuum) await orm.em.getConnection().execute(`vacuum analyze "${schema}"."${table}"`);
    return { rows: written, from: new Date(start), to: new Date(end), copyMs, vacuumMs: Date.now() - vacuumStarted };
  } finally {
    await client.end().catch(() => {});
    await orm.close(true);
  }
}

export function seedPredictions(options: SeedOptions): Promise<SeedResult> {
  return seedTable(options, {
    table: 'predictions',
    columns: 'id, "timestamp", input_text, predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index',
    vacuum: ['predictions', 'prediction_rollup', 'prediction_latency_rollup'],
    seed: 1,
    // COPY into the partitioned table needs a partition for every day of the span.
    prepare: (orm, from, to) => ensurePartitions(orm, from, to),
    line({ t, jobId, itemIndex, random, normal, rolloutStart }) {
      const v2Share = t < rolloutStart ? 0 : Math.min(0.95, (t - rolloutStart) / 86_400_000);
      const model = random() < v2Share ? SEED_MODELS[1] : SEED_MODELS[0];
      const u = random();
      const sentiment = u < 0.48 ? 'positive' : u < 0.88 ? 'negative' : 'neutral';
      const confidence = sentiment === 'neutral' ? 0.5 + random() / 10 : 0.6 + 0.4 * (1 - random() ** 2);
      const cacheHit = random() < 0.2;
      const latency = cacheHit ? 0.3 * Math.exp(0.4 * normal()) : 4 * Math.exp(0.5 * normal()) * (random() < 0.01 ? 8 : 1);
      return `${randomUUID()}\t${new Date(t).toISOString()}\t\\N\t${sentiment}\t${confidence}\t${latency.toFixed(3)}\t${model}\t${cacheHit ? 't' : 'f'}\t${jobId}\t${itemIndex}\n`;
    },
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string' }, schema: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' } },
  });
  const rows = Number(values.rows);
  const days = values.days === undefined ? 7 : Number(values.days);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive integer, e.g. --rows 1000000');
  if (!(days > 0)) throw new Error('--days must be a positive number');
  const { clientUrl, schema: configured } = databaseSettings(process.env);
  const schema = values.schema ?? configured ?? 'public';
  console.log(`seeding ${rows} predictions over ${days} days into schema "${schema}"`);
  const result = await seedPredictions({ clientUrl, schema, rows, days, seed: values.seed === undefined ? undefined : Number(values.seed), log: console.log });
  console.log(
    `${result.rows} rows from ${result.from.toISOString()} to ${result.to.toISOString()}: COPY with rollups ${(result.copyMs / 1000).toFixed(1)} s, ` +
      `VACUUM ANALYZE ${(result.vacuumMs / 1000).toFixed(1)} s`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
