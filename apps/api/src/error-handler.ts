import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DatabaseUnavailableError, HttpError, NotFoundError } from './errors.js';

export const notFound: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
};

/** The one place errors become responses: `{ error: { code, message, details? } }`, never a stack trace. */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const known = toHttpError(err);
  // Known errors are logged by pino-http with the response; only bugs need their stack in the log.
  if (!known) req.log.error({ err, reqId: req.id }, 'unhandled error');
  const e = known ?? new HttpError(500, 'internal_error', 'internal server error');
  res.status(e.status).set(e.headers).json({ error: { code: e.code, message: e.message, details: e.details } });
};

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (isDatabaseDown(err)) return new DatabaseUnavailableError({ cause: err });
  return fromBodyParser(err);
}

/** body-parser tags its errors with `type` and a 4xx `status`. */
function fromBodyParser(err: unknown): HttpError | undefined {
  const e = err as { type?: unknown; status?: unknown; message?: string; limit?: unknown };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number' || e.status >= 500) return undefined;
  switch (e.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json', 'the request body is not valid JSON');
    case 'entity.too.large':
      return new HttpError(413, 'payload_too_large', `the request body is larger than ${e.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_media_type', e.message ?? 'unsupported encoding');
    default:
      return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  }
}

/** Connection-level failures from pg/knex (not query errors, which are bugs). */
function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code) ||
    code.startsWith('08') || // SQLSTATE class 08: connection exception
    ['57P01', '57P02', '57P03'].includes(code) || // admin shutdown, crash shutdown, cannot connect now
    /Timeout acquiring a connection|Connection terminated/i.test(message)
  );
}
