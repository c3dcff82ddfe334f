import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** Incoming ids are echoed into logs and job data, so only short, plain tokens are trusted. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** pino-http with a request id: the caller's X-Request-Id if sane, else a fresh uuid; echoed back. */
export function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Bodies can be 16 MB of user text: never log them, nor credentials.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
    },
    // The job a request queued, so its line joins the worker's lines for that job (which carry this requestId).
    customProps: (_req, res) => {
      const jobId = (res as { locals?: { jobId?: unknown } }).locals?.jobId;
      return typeof jobId === 'string' ? { jobId } : {};
    },
    // Probes and scrapes arrive every few seconds; their answers are in the probe's own history.
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' || req.url === '/metrics' },
    customLogLevel: (_req, res, err) =>
      res.statusCode === 503 || (res.statusCode >= 400 && res.statusCode < 500) ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info',
  });
}

/** The id pino-http gave this request. */
export function requestIdOf(req: { id?: unknown }): string | undefined {
  return typeof req.id === 'string' ? req.id : undefined;
}
