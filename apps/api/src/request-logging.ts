import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler, Response } from 'express';
import type { Level, Logger } from 'pino';

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: the caller's X-Request-Id if sane, else a fresh uuid. */
    id: string;
  }
}

/** Incoming ids are echoed into logs and job data, so only short, plain tokens are trusted. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Probes and scrapes arrive every few seconds; their answers are in the probe's own history. */
const UNLOGGED = new Set(['/health', '/ready', '/metrics']);

/**
 * Gives each request an id (echoed as X-Request-Id) and logs one line when it ends, in pino-http's shape:
 * `req` {id, method, url} (never headers or body), `res` {statusCode}, `responseTime` in ms, and the
 * `jobId` it queued, so the line joins the worker's lines for that job.
 *
 * Written here rather than with pino-http, which builds two or three child loggers per request and
 * serializes the request into each, whether or not the line is logged: profiled at concurrency 64 that
 * was ~11% of the API's CPU. This costs one log call, and nothing when the level is off.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    if (!UNLOGGED.has(req.url)) {
      const started = performance.now();
      res.once('close', () => logEnd(logger, req, res, performance.now() - started));
    }
    next();
  };
}

function logEnd(logger: Logger, req: Request, res: Response, elapsedMs: number): void {
  const aborted = !res.writableFinished;
  const level: Level = aborted ? 'warn' : levelFor(res.statusCode);
  if (!logger.isLevelEnabled(level)) return;
  const jobId = (res.locals as { jobId?: unknown }).jobId;
  logger[level](
    {
      req: { id: req.id, method: req.method, url: loggableUrl(req.originalUrl) },
      res: { statusCode: res.statusCode },
      responseTime: Math.round(elapsedMs * 1000) / 1000,
      ...(typeof jobId === 'string' && { jobId }),
    },
    aborted ? 'request aborted' : 'request completed',
  );
}

/** Query parameters the API defines, none of them secret: their values are logged. */
const KNOWN_PARAMS = new Set(['async', 'limit', 'before', 'from', 'to', 'model_version', 'bucket']);

/**
 * The URL with the value of every parameter the API does not define replaced: a client that puts a
 * credential in the query (`?api_key=…`, `?token=…`) never gets it written to a log, even on a 401.
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a malformed name is logged as sent, its value still hidden
      }
      return eq < 0 || KNOWN_PARAMS.has(decoded) ? pair : `${name}=[redacted]`;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

function levelFor(status: number): Level {
  if (status >= 500 && status !== 503) return 'error';
  return status === 503 || status >= 400 ? 'warn' : 'info';
}

/** The id this request was given. */
export function requestIdOf(req: { id?: unknown }): string | undefined {
  return typeof req.id === 'string' ? req.id : undefined;
}
