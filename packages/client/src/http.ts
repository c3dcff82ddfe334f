import type { z } from 'zod';
import { ErrorBody } from '@sentiment/contract';
import { ApiError, InvalidResponseError, NetworkError } from './errors.js';
import { isRetryable, parseRetryAfter, retryDelayMs, wait, type RetryOptions } from './retry.js';

export interface TransportOptions {
  /** Where the API answers, e.g. `http://localhost:3000` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Another fetch (tests, proxies); default: the global one. */
  fetch?: typeof fetch;
  /** Bound on each HTTP exchange, body included (default 30 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Told of every HTTP answer (retries and polls included): for logs, metrics, or tests. */
  onResponse?: (info: { method: string; url: string; status: number; headers: Headers }) => void;
}

/** The schema of the body for each success status the call expects. */
type Responses = Record<number, z.ZodType>;

export type Reply<R extends Responses> = {
  [S in keyof R & number]: { status: S; headers: Headers; body: z.output<R[S]> };
}[keyof R & number];

export interface RequestSpec<R extends Responses> {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | Date | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  responses: R;
  /** Safe to send twice (GETs, POSTs with an Idempotency-Key): then 429/503 are retried after Retry-After. */
  idempotent: boolean;
  signal?: AbortSignal;
}

export type Transport = ReturnType<typeof createTransport>;

export function createTransport({ baseUrl, apiKey, fetch: fetchImpl = globalThis.fetch, timeoutMs = 30_000, retry = {}, onResponse }: TransportOptions) {
  const root = baseUrl.replace(/\/+$/, '');
  const { attempts = 5, maxDelayMs = 30_000, onRetry } = retry;

  function urlOf(path: string, query: RequestSpec<Responses>['query'] = {}): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.set(name, value instanceof Date ? value.toISOString() : String(value));
    }
    const search = params.size > 0 ? `?${params}` : '';
    return `${root}${path}${search}`;
  }

  /** One exchange: the response with its body read, or a NetworkError. The caller's abort passes through. */
  async function exchange(url: string, init: RequestInit, signal?: AbortSignal): Promise<{ res: Response; text: string }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await fetchImpl(url, { ...init, signal: combined });
      return { res, text: await res.text() };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) {
        throw new NetworkError(url, 'timeout', `no answer from ${url} within ${timeoutMs} ms`, { cause: err });
      }
      throw new NetworkError(url, 'unreachable', `cannot reach ${url}: ${describeCause(err)}`, { cause: err });
    }
  }

  async function request<R extends Responses>(spec: RequestSpec<R>): Promise<Reply<R>> {
    const url = urlOf(spec.path, spec.query);
    const headers: Record<string, string> = { accept: 'application/json', ...spec.headers };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method: spec.method, headers, body: spec.body === undefined ? undefined : JSON.stringify(spec.body) };

    for (let attempt = 1; ; attempt++) {
      const { res, text } = await exchange(url, init, spec.signal);
      onResponse?.({ method: spec.method, url, status: res.status, headers: res.headers });
      const schema = spec.responses[res.status];
      if (schema) return { status: res.status, headers: res.headers, body: parseBody(url, res.status, text, schema) } as Reply<R>;
      if (res.ok) throw new InvalidResponseError(url, res.status, `unexpected status ${res.status} from ${url}`);

      const error = toApiError(res, text);
      const delayMs = retryDelayMs(error, attempt);
      if (!spec.idempotent || !isRetryable(error) || attempt >= attempts || delayMs > maxDelayMs) throw error;
      onRetry?.({ attempt, delayMs, error });
      await wait(delayMs, spec.signal);
    }
  }

  return { request, urlOf };
}

function parseBody<S extends z.ZodType>(url: string, status: number, text: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidResponseError(url, status, `the answer of ${url} is not JSON`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? ` (at ${first.path.join('.') || 'the top'}: ${first.message})` : '';
    throw new InvalidResponseError(url, status, `the answer of ${url} does not match the API contract${where}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** The API's `{"error": {...}}` when it is one; a proxy's or load balancer's page otherwise. */
function toApiError(res: Response, text: string): ApiError {
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const body = ErrorBody.safeParse(json);
  if (body.success) {
    const { code, message, details } = body.data.error;
    return new ApiError(res.status, code, message, retryAfter, details);
  }
  return new ApiError(res.status, `http_${res.status}`, `HTTP ${res.status} ${res.statusText}`.trim(), retryAfter);
}

/** undici says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is in its cause. */
function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the API running?)',
    ENOTFOUND: 'unknown host',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ETIMEDOUT: 'connection timed out',
  };
  if (code && known[code]) return `${known[code]} [${code}]`;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
