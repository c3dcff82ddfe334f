/** Base of every error this client throws, so callers can tell ours from their own. */
export class SentimentClientError extends Error {
  override name = 'SentimentClientError';
}

/**
 * The API answered with an error status: `{"error": {"code", "message", "details"?}}`.
 * `retryAfter` (seconds) is set when the API said when to come back (429, 503).
 */
export class ApiError extends SentimentClientError {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The server could not be reached, or did not answer in time: nothing was (knowingly) processed. */
export class NetworkError extends SentimentClientError {
  override name = 'NetworkError';
  constructor(
    readonly url: string,
    readonly reason: 'unreachable' | 'timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A 2xx answer whose body is not what the contract promises (a proxy's HTML page, another server). */
export class InvalidResponseError extends SentimentClientError {
  override name = 'InvalidResponseError';
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `waitFor` saw the job end in `failed` (the worker gave up after its retries). */
export class JobFailedError extends SentimentClientError {
  override name = 'JobFailedError';
  constructor(
    readonly jobId: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
