import { z } from 'zod';
import { decodeRecentCursor, type RecentCursor } from '@sentiment/db';
import { MAX_BATCH_TEXTS, MAX_JOB_TEXTS, Text } from '@sentiment/queue';

// The text rules (length, blank, NUL) are the queue contract's, so API and worker agree.
export const PredictBody = z.object({ text: Text });
export const BatchBody = z.object({ texts: z.array(Text).min(1).max(MAX_BATCH_TEXTS) });
export const JobsBody = z.object({ texts: z.array(Text).min(1).max(MAX_JOB_TEXTS) });

const DateTime = z.iso
  .datetime({ offset: true, message: 'expected an ISO 8601 date-time, e.g. 2024-05-01T00:00:00Z' })
  .transform((s) => new Date(s));

const Limit = z
  .string()
  .regex(/^\d+$/, { message: 'expected an integer from 1 to 1000' })
  .transform(Number)
  .pipe(z.number().int().min(1).max(1000));

const FilterFields = z.object({
  from: DateTime.optional(),
  to: DateTime.optional(),
  model_version: z
    .string()
    .min(1)
    .max(50)
    .refine((v) => !v.includes('\u0000'), { message: 'model_version contains a NUL character' })
    .optional(),
});
type FilterFields = z.infer<typeof FilterFields>;

/** `from` inclusive, `to` exclusive, both optional. */
const fromBeforeTo: [(q: FilterFields) => boolean, { message: string; path: string[] }] = [
  (q) => !q.from || !q.to || q.from < q.to,
  { message: 'from must be before to', path: ['from'] },
];
const toFilters = (q: FilterFields) => ({ from: q.from, to: q.to, modelVersion: q.model_version });

export const AnalyticsQuery = FilterFields.refine(...fromBeforeTo).transform(toFilters);

/** The opaque `before` token of a `Link: rel="next"` header, decoded to the keyset position it holds. */
const Cursor = z.string().transform((token, ctx): RecentCursor => {
  const cursor = decodeRecentCursor(token);
  if (!cursor) {
    ctx.addIssue({ code: 'custom', message: 'malformed cursor: pass back the `before` value of a Link header unchanged' });
    return z.NEVER;
  }
  return cursor;
});

export const RecentQuery = FilterFields.extend({ limit: Limit.default(100), before: Cursor.optional() })
  .refine(...fromBeforeTo)
  .transform((q) => ({ ...toFilters(q), limit: q.limit, before: q.before }));
