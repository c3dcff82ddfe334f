import { z } from 'zod';
import { MAX_BATCH_TEXTS, MAX_JOB_TEXTS, MAX_TEXT_CHARS, Text } from '@sentiment/queue';
import { ModelField } from './models.js';

// The text rules (length, blank, NUL) are the queue contract's, so API, worker and clients agree.
// `.meta()` returns a copy with the same checks: it only adds what the OpenAPI document shows.
const DocumentedText = Text.meta({
  minLength: 1,
  pattern: '\\S', // at least one character trim() keeps
  description: `1 to ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters, not blank (by JavaScript's trim()), no NUL character. Stored exactly as sent.`,
});

/** POST /predict */
export const PredictBody = z.object({ text: DocumentedText, model: ModelField.optional() }).meta({ id: 'PredictBody' });
export type PredictBody = z.infer<typeof PredictBody>;

/** POST /batch: answered in input order. */
export const BatchBody = z
  .object({ texts: z.array(DocumentedText).min(1).max(MAX_BATCH_TEXTS), model: ModelField.optional() })
  .meta({ id: 'BatchBody' });
export type BatchBody = z.infer<typeof BatchBody>;

/** POST /jobs: bulk work, always asynchronous. */
export const JobsBody = z
  .object({ texts: z.array(DocumentedText).min(1).max(MAX_JOB_TEXTS), model: ModelField.optional() })
  .meta({ id: 'JobsBody' });
export type JobsBody = z.infer<typeof JobsBody>;

/** 1 to 255 visible ASCII characters (the IETF draft leaves the format to the server; this is Stripe's length). */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { message: 'expected 1 to 255 visible ASCII characters' })
  .meta({
    description:
      'Makes a POST safe to retry: the same key (per endpoint and API key) within 24 h answers for the same job and never ' +
      'creates a second one (the answer then carries `Idempotent-Replayed: true`). 1 to 255 visible ASCII characters.',
  });

/** `?async=true` on POST /predict and /batch: answer 202 at once (same as `Prefer: respond-async`). */
export const AsyncQuery = z.object({
  async: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: '`true`: answer 202 with the job at once instead of waiting for the result (like `Prefer: respond-async`).' }),
});

/** The `Prefer` request header (RFC 7240); only `respond-async` means something here. */
export const PreferHeader = z.string().meta({
  description: '`respond-async`: answer 202 with the job at once; the answer then carries `Preference-Applied: respond-async`.',
});

/** GET /jobs/:id */
export const JobIdParams = z.object({
  id: z.uuid().meta({ description: 'The `job_id` a 202 answer gave.' }),
});
