import http from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../src/error-handler.js';
import { HttpError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { requestLogging } from '../src/request-logging.js';

/** An app with the request logger in front of a few routes, and the JSON lines it wrote. */
function logged(level: 'info' | 'warn' = 'info') {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger(level, sink);
  const app = express();
  app.use(requestLogging(logger));
  app.get('/health', (_req, res) => void res.json({ ok: true }));
  app.post('/queued', (_req, res) => {
    res.locals.jobId = 'job-1';
    res.status(202).json({});
  });
  app.get('/missing', () => {
    throw new HttpError(404, 'not_found', 'no');
  });
  app.get('/bug', () => {
    throw new Error('boom');
  });
  app.get('/slow', () => undefined); // never answers: the client gives up
  app.use(errorHandler(logger));
  return { app, lines, logger };
}

describe('request log lines', () => {
  it('one line per request with its id, method, url, status, time and the job it queued', async () => {
    const { app, lines } = logged();
    const res = await request(app).post('/queued?async=true').set('X-Request-Id', 'trace-42');
    expect(res.headers['x-request-id']).toBe('trace-42');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        req: { id: 'trace-42', method: 'POST', url: '/queued?async=true' },
        res: { statusCode: 202 },
        responseTime: expect.any(Number),
        jobId: 'job-1',
      }),
    ]);
  });

  it('never writes a credential sent in the query: values of parameters the API does not define are redacted', async () => {
    const { app, lines } = logged();
    const key = 'sk-live-0123456789abcdef0123';
    await request(app).get(`/missing?api_key=${key}&limit=5&token=${key}&from=2024-05-01`);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.req.url).toBe('/missing?api_key=[redacted]&limit=5&token=[redacted]&from=2024-05-01');
    expect(JSON.stringify(lines)).not.toContain(key);
  });

  it('gives a uuid to requests without a sane X-Request-Id, and logs no probe', async () => {
    const { app, lines } = logged();
    const res = await request(app).get('/health').set('X-Request-Id', 'has spaces and "quotes"');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toEqual([]);
  });

  it('4xx at warn, bugs at error with their stack in a line of their own', async () => {
    const { app, lines } = logged();
    await request(app).get('/missing');
    await request(app).get('/bug');
    expect(lines.map((l) => [l.level, l.msg, l.res?.statusCode])).toEqual([
      [40, 'request completed', 404],
      [50, 'unhandled error', undefined],
      [50, 'request completed', 500],
    ]);
    expect(lines[1]!.err.stack).toContain('boom');
  });

  it('a request the client abandons is logged as aborted', async () => {
    const { app, lines } = logged();
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    const req = http.get({ host: '127.0.0.1', port, path: '/slow' });
    req.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    req.destroy();
    await new Promise((r) => setTimeout(r, 100));
    server.close();
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'request aborted', req: expect.objectContaining({ url: '/slow' }) })]);
  });

  it('writes nothing when its level is off', async () => {
    const { app, lines } = logged('warn');
    await request(app).post('/queued');
    await request(app).get('/missing');
    expect(lines.map((l) => l.res.statusCode)).toEqual([404]);
  });
});
