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
    description: 'Redis and Postgres answer and at least one worker is connected to the queue. Answers 503 while shutting down.',
    responses: {
      200: json('Ready', Readiness, health.ready),
      503: json('Not ready: says what is down', Readiness, health.notReady),
    },
  });
}
