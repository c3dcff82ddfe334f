import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Health, Readiness } from '../health.js';
import { health } from './examples.js';
import { json } from './http.js';

export function registerHealthPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/health',
    tags: ['operations'],
    summary: 'Liveness',
    description: 'The process runs. Never needs an API key and is never rate-limited.',
    security: [],
    responses: { 200: json('Alive', Health, health.live) },
  });

  registry.registerPath({
    method: 'get',
    path: '/ready',
    tags: ['operations'],
    summary: 'Readiness',
    description:
      '200 `ok`: Redis and Postgres answer, a worker is connected, rows are stored. 200 `degraded`: predictions work but an ' +
      'operator should look (Postgres down, so rows wait in Redis and analytics answer 503; Redis without persistence; the analytics read replica ' +
      'down or more than ANALYTICS_MAX_LAG_S behind, so analytics are read from the primary: `replica`, `replica_lag_s`). ' +
      '503 `unavailable`: requests would fail (Redis down, no worker, a model the routing sends traffic to with no worker, rows refused by Postgres); 503 `draining` while shutting down. ' +
      '`problems` says what is wrong in words.',
    responses: {
      200: json('Ready, or degraded with the problems named', Readiness, health.ready),
      503: json('Not ready: says what is down', Readiness, health.notReady),
    },
  });
}
