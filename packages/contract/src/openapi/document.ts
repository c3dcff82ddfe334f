import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { registerAnalyticsPaths } from './analytics-paths.js';
import { errors } from './examples.js';
import { registerHealthPaths } from './health-paths.js';
import { error } from './http.js';
import { registerOperationsPaths } from './operations-paths.js';
import { registerModelPaths } from './model-paths.js';
import { registerPredictionPaths } from './prediction-paths.js';

/** Every documented operation, with the zod schemas behind it (tests check examples against them). */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'One of the keys in API_KEYS. Only needed when API_KEYS is set; without it the API is open.',
  });
  registry.registerComponent('securitySchemes', 'adminBasic', {
    type: 'http',
    scheme: 'basic',
    description: 'ADMIN_USER / ADMIN_PASSWORD, for the pages under /admin and /dashboard.',
  });
  registerPredictionPaths(registry);
  registerModelPaths(registry);
  registerAnalyticsPaths(registry);
  registerHealthPaths(registry);
  registerOperationsPaths(registry);
  for (const def of registry.definitions) {
    if (def.type !== 'route') continue;
    addAccessErrors(def.route);
    def.route.operationId ??= operationIdFor(def.route.method, def.route.path);
  }
  return registry;
}

/** `post /jobs` → `postJobs`, `get /jobs/{id}` → `getJobsById`, `get /analytics/sentiment-distribution` → `getAnalyticsSentimentDistribution`. */
export function operationIdFor(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? ['by', param[1]!] : segment.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** Answers the access middleware can give on (almost) every route, added in one place. */
function addAccessErrors(route: RouteConfig): void {
  const needsKey = route.security === undefined; // the document's default: the API key
  if (needsKey && !route.responses[401]) {
    route.responses[401] = error(401, 'When API_KEYS is set: missing or unknown key', { unauthorized: errors.unauthorized });
  }
  // /health and /metrics are never rate-limited.
  if (route.path !== '/health' && route.path !== '/metrics') {
    route.responses[429] = error(429, 'More than RATE_LIMIT_PER_MINUTE requests this minute from this key (or IP)', { rate_limited: errors.rateLimited });
  }
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** The OpenAPI 3.1 document of the API. */
export function generateOpenApiDocument(registry = createOpenApiRegistry()): OpenApiDocument {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Sentiment API',
      version: '1.0.0',
      description:
        'Queue-based sentiment prediction. POST /predict and /batch answer inline when the workers are quick enough ' +
        '(else 202 and a job to poll); POST /jobs queues bulk work; /analytics/* reads stored predictions. ' +
        'Errors are always `{"error": {"code", "message", "details"?}}`.',
      // No licence is granted yet: the code is all rights reserved, and the shipped model learned from
      // CC BY-NC-SA corpora (its model card says what that means for commercial use).
      license: { name: 'UNLICENSED (all rights reserved; see the model card for the shipped weights)', identifier: 'LicenseRef-Proprietary' },
    },
    // The key is optional: the API is open unless API_KEYS is set (and then every route but the public ones needs one).
    security: [{ apiKey: [] }, {}],
    // Relative: the document describes the server that serves it, wherever that is.
    servers: [{ url: '/', description: 'The API serving this document' }],
    tags: [
      { name: 'predictions', description: 'Classify texts, waiting for the answer' },
      { name: 'jobs', description: 'Bulk work and job status' },
      { name: 'models', description: 'The models served, their aliases, the traffic split and shadow runs' },
      { name: 'analytics', description: 'Aggregates over stored predictions (never the input texts)' },
      { name: 'operations', description: 'Probes, metrics and admin pages' },
      { name: 'documentation', description: 'This document and its interactive page' },
    ],
  });
}
