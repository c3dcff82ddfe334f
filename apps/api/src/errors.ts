/** Errors the API answers with a specific status; anything else becomes a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'not found') {
    super(404, 'not_found', message);
  }
}

/** Redis (and so the queue) cannot be reached: the client should retry shortly. */
export class QueueUnavailableError extends HttpError {
  constructor(options?: { cause?: unknown }) {
    super(503, 'queue_unavailable', 'the prediction queue is unavailable, retry later', undefined, { 'Retry-After': '5' });
    if (options?.cause) this.cause = options.cause;
  }
}

/** Redis refused a write because it reached `maxmemory`: nothing was queued. */
export class RedisFullError extends HttpError {
  constructor(options?: { cause?: unknown }) {
    super(503, 'queue_full', 'the queue store is out of memory (Redis maxmemory reached); retry later', undefined, { 'Retry-After': '30' });
    if (options?.cause) this.cause = options.cause;
  }
}

export class DatabaseUnavailableError extends HttpError {
  constructor(options?: { cause?: unknown }) {
    super(503, 'database_unavailable', 'the database is unavailable, retry later', undefined, { 'Retry-After': '5' });
    if (options?.cause) this.cause = options.cause;
  }
}

/** The worker gave up on the job (after its retries): the request was valid, the processing failed. */
export class JobFailedError extends HttpError {
  constructor(jobId: string, reason: string) {
    super(502, 'job_failed', reason || 'the prediction job failed', { job_id: jobId, status_url: `/jobs/${jobId}` });
  }
}
