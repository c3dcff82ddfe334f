import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { ZodType } from 'zod';
import { ERROR_CODES, ErrorBody, type ErrorStatus } from '../errors.js';

/** A named example as OpenAPI holds it; `value` must pass the schema it sits next to (apps/api/test/openapi.test.ts). */
export interface Example<T = unknown> {
  summary: string;
  value: T;
}
export type Examples<T = unknown> = Record<string, Example<T>>;

type HeaderObject = { description: string; schema: { type: 'string' | 'integer' } };
const header = (description: string, type: 'string' | 'integer' = 'string'): HeaderObject => ({ description, schema: { type } });

/** Response headers the API sends, described once. */
export const Headers = {
  location: header('The job\'s status URL (same as `status_url`).'),
  retryAfter: header('Seconds to wait before retrying.', 'integer'),
  link: header('`<…>; rel="next"` (RFC 8288): the next page, present while there are older rows. Follow it unchanged.'),
  idempotentReplayed: header('`true` when an earlier request with the same Idempotency-Key created the job.'),
  preferenceApplied: header('`respond-async` when the request asked for it.'),
  wwwAuthenticate: header('The scheme to use: `Bearer` (API keys) or `Basic realm="admin"`.'),
  rateLimitLimit: header('Requests allowed per minute (sent on every answer while RATE_LIMIT_PER_MINUTE is on).', 'integer'),
  rateLimitRemaining: header('Requests left in the current window.', 'integer'),
  rateLimitReset: header('Seconds until the window resets.', 'integer'),
} as const;

/** A JSON response with named examples. */
export function json<T>(description: string, schema: ZodType<T>, examples: Examples<T>, headers: Record<string, HeaderObject> = {}): ResponseConfig {
  return { description, headers, content: { 'application/json': { schema, examples } } };
}

const ERROR_HEADERS: Partial<Record<ErrorStatus, Record<string, HeaderObject>>> = {
  401: { 'WWW-Authenticate': Headers.wwwAuthenticate },
  429: {
    'Retry-After': Headers.retryAfter,
    'RateLimit-Limit': Headers.rateLimitLimit,
    'RateLimit-Remaining': Headers.rateLimitRemaining,
    'RateLimit-Reset': Headers.rateLimitReset,
  },
  503: { 'Retry-After': Headers.retryAfter },
};

/** An error response: its codes (from ERROR_CODES) listed in the description, with real examples. */
export function error(status: ErrorStatus, when: string, examples: Examples<ErrorBody>): ResponseConfig {
  const codes = ERROR_CODES[status].map((c) => `\`${c}\``).join(', ');
  return json(`${when} (code: ${codes})`, ErrorBody, examples, ERROR_HEADERS[status]);
}

/** The request body of a JSON POST. */
export function jsonBody<T>(schema: ZodType<T>, examples: Examples<T>) {
  return { required: true, content: { 'application/json': { schema, examples } } };
}
