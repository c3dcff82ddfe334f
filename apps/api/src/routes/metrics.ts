import { Router } from 'express';
import type { Registry } from 'prom-client';
import { apiKeyGate } from '../security/api-keys.js';

/**
 * GET /metrics in Prometheus' text format. With API_KEYS set it takes the same bearer keys as every
 * other endpoint (Prometheus: `authorization: { credentials_file: … }`): it tells how busy the
 * service is. Behind the rate limiter, which lets scrapes with a valid key through unlimited and counts
 * wrong keys (rate-limit.ts).
 */
export function metricsRouter(registry: Registry, apiKeys: readonly string[]): Router {
  const router = Router();
  const guards = apiKeys.length > 0 ? [apiKeyGate(apiKeys)] : [];
  router.get('/metrics', ...guards, async (_req, res) => {
    const text = await registry.metrics();
    res.set('Cache-Control', 'no-store').type(registry.contentType).send(text);
  });
  return router;
}
