import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  /** 0: no server. */
  port: number;
  registry: Registry;
  logger: Logger;
}

/**
 * GET /metrics (Prometheus text) and GET /health on `port`. Metrics are an aid, not a reason to stop
 * predicting: if the port is taken (another worker on this host with the same METRICS_PORT), the
 * worker logs it and runs without the endpoint.
 */
export async function serveMetrics({ port, registry, logger }: MetricsServerOptions): Promise<MetricsServer | undefined> {
  if (port === 0) return undefined;
  const server = createServer((req, res) => void answer(req, res, registry, logger));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    const inUse = (err as { code?: unknown }).code === 'EADDRINUSE';
    logger.warn(
      { err, port },
      inUse
        ? 'METRICS_PORT is in use (another worker on this host?): this worker serves no metrics; give each worker its own METRICS_PORT'
        : 'could not serve metrics; the worker runs without them',
    );
    return undefined;
  }
  server.on('error', (err) => logger.error({ err }, 'metrics server error'));
  logger.info({ port: (server.address() as AddressInfo).port }, 'serving /metrics');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // idle keep-alive scrapers would hold close() open
      }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, registry: Registry, logger: Logger): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const route = path === '/metrics' || path === '/health' ? path : undefined;
  if (!route) return sendError(res, 404, 'not_found', `no route for ${req.method} ${path}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendError(res, 405, 'method_not_allowed', `${route} answers GET only`);
  }
  if (route === '/health') return send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
  try {
    send(res, 200, registry.contentType, await registry.metrics());
  } catch (err) {
    logger.error({ err }, 'could not render metrics');
    sendError(res, 500, 'internal_error', 'could not render metrics');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

/** The API's error shape, so every client of the project sees one format. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, 'application/json', JSON.stringify({ error: { code, message } }));
}
