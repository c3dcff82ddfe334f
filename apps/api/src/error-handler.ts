import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DatabaseUnavailableError, HttpError, NotFoundError } from './errors.js';

export const notFound: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
};

/** The one place errors become responses: `{ error: { code, message, details? } }`, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const known = toHttpError(err);
    // Known errors show in the request's own log line (its status); only bugs need their stack in the log.
    if (!known) logger.error({ err, reqId: req.id }, 'unhandled error');
    const e = known ?? new HttpError(500, 'internal_error', 'internal server error');
    res.status(e.status).set(e.headers).json({ error: { code: e.code, message: e.message, details: e.details } });
  };
}

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (isDatabaseDown(err)) return new DatabaseUnavailableError({ cause: err });
  if (isUnstorableCharacter(err)) {
    return new HttpError(400, 'validation_error', 'the request contains a character the database cannot take (NUL)');
  }
  return fromBodyParser(err) ?? fromClientError(err);
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
      // body-parser's own wording, e.g. `unsupported charset "UTF-7"`: names the header value, nothing internal.
      return new HttpError(415, 'unsupported_media_type', e.message ?? 'unsupported encoding');
    case 'request.aborted':
      return new HttpError(400, 'bad_request', 'the request was aborted before its body arrived');
    case 'request.size.invalid':
      return new HttpError(400, 'bad_request', 'the request body does not match its Content-Length');
    default:
      return new HttpError(e.status, 'bad_request', 'the request body could not be read');
  }
}

/**
 * Other errors that libraries mark as the client's fault (http-errors' `status` 4xx): a body that is
 * not valid gzip/deflate/br (a zlib error body-parser tags 400), a URL with broken percent-encoding
 * (a URIError the router tags 400). Their messages come from internals, so they are not echoed.
 */
function fromClientError(err: unknown): HttpError | undefined {
  const e = err as { status?: unknown; statusCode?: unknown; code?: unknown };
  const status = typeof e?.status === 'number' ? e.status : e?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return new HttpError(400, 'bad_request', 'the request body could not be decompressed (Content-Encoding)');
  }
  if (err instanceof URIError) return new HttpError(400, 'bad_request', 'the URL contains malformed percent-encoding');
  return new HttpError(status, status === 404 ? 'not_found' : 'bad_request', status === 404 ? 'not found' : 'bad request');
}

/**
 * SQLSTATE 22021 (invalid byte sequence, e.g. a NUL byte in a text parameter) can only come from what
 * the client sent. Validation should catch it first; this keeps a gap there a 400 instead of a 500.
 */
function isUnstorableCharacter(err: unknown): boolean {
  return (err as { code?: unknown })?.code === '22021';
}

/** Connection-level failures from pg/knex (not query errors, which are bugs). */
export function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code) ||
    // SQLSTATE class 08: connection exception; but not 08P01 (protocol violation), which a bad parameter
    // causes (e.g. a NUL byte in a text parameter): retrying that cannot help, so it is no outage.
    (code.startsWith('08') && code !== '08P01') ||
    ['57P01', '57P02', '57P03'].includes(code) || // admin shutdown, crash shutdown, cannot connect now
    /Timeout acquiring a connection|Connection terminated/i.test(message)
  );
}
