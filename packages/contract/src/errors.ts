import { z } from 'zod';

/** One problem found in a request: where (`path`), zod's issue code, and what is wrong. */
export const ValidationIssue = z
  .object({
    path: z.array(z.union([z.string(), z.number()])),
    code: z.string(),
    message: z.string(),
  })
  .meta({ id: 'ValidationIssue' });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/**
 * Every error code the API answers with, by status. `code` is the stable, machine-readable part;
 * `message` is for people and may change.
 */
export const ERROR_CODES = {
  400: ['validation_error', 'invalid_json', 'bad_request', 'unknown_model'],
  401: ['unauthorized'],
  403: ['forbidden', 'admin_required'],
  404: ['not_found'],
  410: ['job_expired'],
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
  422: ['idempotency_key_reused'],
  429: ['rate_limited'],
  500: ['internal_error'],
  502: ['job_failed'],
  503: ['queue_unavailable', 'database_unavailable', 'queue_full', 'model_unavailable'],
} as const;
export type ErrorStatus = keyof typeof ERROR_CODES;
export type ErrorCode = (typeof ERROR_CODES)[ErrorStatus][number];

/**
 * Every error: `{"error": {"code", "message", "details"?}}`, never a stack trace. `code` stays a plain
 * string so a client built today still reads codes added later.
 */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Machine-readable, stable: e.g. `validation_error`, `not_found`, `queue_full`.' }),
      message: z.string(),
      details: z
        .union([z.array(ValidationIssue), z.record(z.string(), z.unknown())])
        .optional()
        .meta({ description: '`validation_error`: the issues, by path. `job_failed`, `job_expired`, `idempotency_key_reused`: `job_id` (and `status_url`).' }),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;
