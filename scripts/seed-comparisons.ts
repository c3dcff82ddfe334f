// Loads N synthetic shadow-run pairs into model_comparisons with one COPY (the table's triggers roll them up
// when it ends), then VACUUM ANALYZE: what bench:analytics --comparisons measures GET /analytics/compare on.
// The rows, over the D days (default 7) ending now, with the daily cycle of seed-predictions.ts:
// - v2 in shadow behind serving v1 for the first two thirds, then v2 serving with v1 in shadow (the
//   roll-out), and 10 % of pairs with a third version (sentiment-multi-v2) in shadow;
// - the shadow agrees with the serving answer 85 % of the time; confidences 0.5–1; latencies log-normal
//   (median 4 ms for v1, 6 ms for the others, 1 % 8× slower); jobs of 100 items.
import { randomUUID } from 'node:crypto';
import { SEED_MODELS, seedTable, type SeedOptions, type SeedResult } from './seed-predictions.js';

/** The third version, only ever in shadow. */
export const SEED_SHADOW_ONLY = 'sentiment-multi-v2+d6c0cc55';

const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;

export function seedComparisons(options: SeedOptions): Promise<SeedResult> {
  const [V1, V2] = SEED_MODELS;
  return seedTable(options, {
    table: 'model_comparisons',
    columns:
      'id, "timestamp", job_id, item_index, serving_version, serving_sentiment, serving_confidence, serving_latency_ms, shadow_version, shadow_sentiment, shadow_confidence, shadow_latency_ms',
    vacuum: ['model_comparisons', 'model_comparison_rollup', 'model_comparison_latency_rollup'],
    seed: 2,
    line({ t, jobId, itemIndex, random, normal, rolloutStart }) {
      const answer = () => SENTIMENTS[Math.floor(random() * 3)]!;
      const latency = (version: string) => (version === V1 ? 4 : 6) * Math.exp(0.5 * normal()) * (random() < 0.01 ? 8 : 1);
      const serving = t < rolloutStart ? V1 : V2;
      const shadow = random() < 0.1 ? SEED_SHADOW_ONLY : serving === V1 ? V2 : V1;
      const servingAnswer = answer();
      const shadowAnswer = random() < 0.85 ? servingAnswer : answer();
      return (
        `${randomUUID()}\t${new Date(t).toISOString()}\t${jobId}\t${itemIndex}\t${serving}\t${servingAnswer}\t${0.5 + random() / 2}\t${latency(serving).toFixed(3)}` +
        `\t${shadow}\t${shadowAnswer}\t${0.5 + random() / 2}\t${latency(shadow).toFixed(3)}\n`
      );
    },
  });
}
