import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiError } from './errors.js';

export interface RetryOptions {
  /** Tries in all, the first included (default 5). 1 = never retry. */
  attempts?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown at once (default 30 s). */
  maxDelayMs?: number;
  /** Told before each wait, e.g. to print "rate limited, retrying in 3 s". */
  onRetry?: (info: { attempt: number; delayMs: number; error: ApiError }) => void;
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // An HTTP date names its weekday and month (`Fri, 27 Nov 2026 10:00:30 GMT`); Date.parse alone takes "-5" for a year.
  const at = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Whether the answer says "come back later": rate limited, a dependency or the queue is down or full. */
export function isRetryable(error: ApiError): boolean {
  return error.status === 429 || error.status === 503;
}

/** How long to wait before try `attempt + 1`: what the server asked for, else 0.5 s, 1 s, 2 s, … */
export function retryDelayMs(error: ApiError, attempt: number): number {
  return error.retryAfter !== undefined ? error.retryAfter * 1000 : 500 * 2 ** (attempt - 1);
}

export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal });
}
