// Loads N synthetic shadow-run pairs into model_comparisons with one COPY (the table's triggers roll them up
// when it ends), then VACUUM ANALYZE: what bench:analytics --comparisons measures GET /analytics/compare on.
// The rows, over the D days (default 7) ending now, with the daily cycle of seed-predictions.ts:
// - v2 in shadow behind serving v1 for the first two thirds, then v2 serving with v1 in shadow (the
//   roll-out), and 10 % of pairs with a third version (sentiment-multi-v2) in shadow;
// - the shadow agrees with the serving answer 85 % of the time; confidences 0.5–1; latencies log-normal
//   (median 4 ms for v1, 6 ms for the others, 1 % 8× slower); jobs of 100 items.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { initOrm, migrateUp } from '@sentiment/db';
import { rowsPerMinute, SEED_MODELS, seededRandom, type SeedOptions, type SeedResult } from './seed-predictions.js';

/** The third version, only ever in shadow. */
export const SEED_SHADOW_ONLY = 'sentiment-multi-v2+d6c0cc55';

const MINUTE_MS = 60_000;
const ROWS_PER_WRITE = 20_000;
const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;

export async function seedComparisons(options: SeedOptions): Promise<SeedResult> {
  const { clientUrl, schema = 'public', rows } = options;
  const days = options.days ?? 7;
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed ?? 2);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const end = Math.floor((options.end ?? new Date()).getTime());
  const start = end - days * 86_400_000;
  const minutes = Math.ceil((end - start) / MINUTE_MS);
  const rolloutStart = start + ((end - start) * 2) / 3;
  const [V1, V2] = SEED_MODELS;

  const orm = await initOrm({ clientUrl, schema, poolMax: 2 });
  const client = new pg.Client({ connectionString: clientUrl });
  try {
    await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
    await migrateUp(orm);
    await client.connect();

    const copyStarted = Date.now();
    const stream = client.query(
      copyFrom(
        `copy "${schema}".model_comparisons (id, "timestamp", job_id, item_index, serving_version, serving_sentiment, serving_confidence, serving_latency_ms,
          shadow_version, shadow_sentiment, shadow_confidence, shadow_latency_ms) from stdin`,
      ),
    );
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    const answer = () => SENTIMENTS[Math.floor(random() * 3)]!;
    const latency = (version: string) => (version === V1 ? 4 : 6) * Math.exp(0.5 * normal()) * (random() < 0.01 ? 8 : 1);
    const perMinute = rowsPerMinute(rows, start, minutes);
    let jobId = randomUUID();
    let written = 0;
    let lines: string[] = [];
    for (let m = 0; m < minutes; m++) {
      const minuteStart = start + m * MINUTE_MS;
      const offsets = Array.from({ length: perMinute[m]! }, () => Math.floor(random() * MINUTE_MS)).sort((a, b) => a - b);
      for (const offset of offsets) {
        const t = Math.min(minuteStart + offset, end);
        const serving = t < rolloutStart ? V1 : V2;
        const shadow = random() < 0.1 ? SEED_SHADOW_ONLY : serving === V1 ? V2 : V1;
        const servingAnswer = answer();
        const shadowAnswer = random() < 0.85 ? servingAnswer : answer();
        if (written % 100 === 0) jobId = randomUUID();
        lines.push(
          `${randomUUID()}\t${new Date(t).toISOString()}\t${jobId}\t${written % 100}\t${serving}\t${servingAnswer}\t${0.5 + random() / 2}\t${latency(serving).toFixed(3)}` +
            `\t${shadow}\t${shadowAnswer}\t${0.5 + random() / 2}\t${latency(shadow).toFixed(3)}\n`,
        );
        written++;
        if (lines.length === ROWS_PER_WRITE) {
          if (!stream.write(lines.join(''))) await new Promise((resolve) => stream.once('drain', resolve));
          lines = [];
          if (written % 1_000_000 === 0) log(`  ${(written / 1e6).toFixed(0)}M pairs copied (${((Date.now() - copyStarted) / 1000).toFixed(0)} s)`);
        }
      }
    }
    stream.end(lines.join(''));
    await done;
    const copyMs = Date.now() - copyStarted;

    const vacuumStarted = Date.now();
    for (const table of ['model_comparisons', 'model_comparison_rollup', 'model_comparison_latency_rollup']) {
      await orm.em.getConnection().execute(`vacuum analyze "${schema}"."${table}"`);
    }
    return { rows: written, from: new Date(start), to: new Date(end), copyMs, vacuumMs: Date.now() - vacuumStarted };
  } finally {
    await client.end().catch(() => {});
    await orm.close(true);
  }
}
