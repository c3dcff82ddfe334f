import type { Sentiment } from '@sentiment/core';
import type { RecentPrediction } from '@sentiment/contract/analytics';
import type { AnalyticsContext } from './context.js';
import { MODEL_RANGE } from './ranges.js';
import { isoUtc, isoUtcMicros } from './rows.js';
import type { RecentOptions, RecentPage } from './types.js';

// The newest predictions, a page at a time: raw rows (never their text) in keyset order (timestamp desc, id desc).

/** The columns of a page, and the cursor's full-precision timestamp. */
const COLUMNS = (ctx: AnalyticsContext) => [
  'id',
  ctx.knex().raw(`${isoUtc('"timestamp"')} as "timestamp"`),
  ctx.knex().raw(`${isoUtcMicros('"timestamp"')} as "cursor_timestamp"`),
  'predicted_sentiment as sentiment',
  'confidence_score as confidence',
  'latency_ms',
  'model_version',
];

const toRecentPrediction = (r: Record<string, unknown>): RecentPrediction => ({
  id: String(r.id),
  timestamp: String(r.timestamp),
  sentiment: r.sentiment as Sentiment,
  confidence: Number(r.confidence),
  latency_ms: Number(r.latency_ms),
  model_version: String(r.model_version),
});

export async function recentPage(ctx: AnalyticsContext, { limit, before, ...f }: RecentOptions): Promise<RecentPage> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const qb = ctx.knex().from('predictions');
  if (ctx.schema) qb.withSchema(ctx.schema);
  if (f.from) qb.where('timestamp', '>=', f.from);
  if (f.to) qb.where('timestamp', '<', f.to);
  if (f.modelVersion !== undefined) qb.whereRaw(MODEL_RANGE('?'), [f.modelVersion, f.modelVersion]);
  if (before) {
    // The plain bound lets the timestamp index do the work; the row comparison settles ties by id.
    qb.whereRaw('"timestamp" <= ?::timestamptz and ("timestamp", "id") < (?::timestamptz, ?::uuid)', [before.timestamp, before.timestamp, before.id]);
  }
  // One row more than asked tells whether another page exists.
  const rows: Record<string, unknown>[] = await qb
    .select(...COLUMNS(ctx))
    // With a model (MODEL_RANGE), leading with model_version walks (model_version, timestamp, id).
    .orderBy([
      ...(f.modelVersion === undefined ? [] : [{ column: 'predictions.model_version', order: 'desc' }]),
      { column: 'predictions.timestamp', order: 'desc' },
      { column: 'predictions.id', order: 'desc' },
    ])
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(toRecentPrediction),
    next: rows.length > limit && last ? { timestamp: String(last.cursor_timestamp), id: String(last.id) } : null,
  };
}
