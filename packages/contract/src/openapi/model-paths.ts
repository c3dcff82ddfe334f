import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { ModelCatalog, RoutingBody } from '../models.js';
import { errors, models, requests } from './examples.js';
import { error, json, jsonBody } from './http.js';

/** GET /models and the run-time routing (aliases, split, shadow) under /admin/routing. */
export function registerModelPaths(registry: OpenAPIRegistry): void {
  const answer = (description: string) => json(description, ModelCatalog, models.catalog);
  registry.registerPath({
    method: 'get',
    path: '/models',
    tags: ['models'],
    summary: 'The models this deployment serves',
    description:
      'Every registry model with its aliases, the versions live workers serve (and how many workers), its share of the traffic ' +
      'split and of shadow runs, plus the routing in effect. Pin a model with `model` in POST /predict, /batch or /jobs.',
    responses: { 200: answer('The models and the routing') },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/routing',
    tags: ['models'],
    summary: 'The routing in effect',
    description: 'The same answer as GET /models.',
    security: [{ adminBasic: [] }, { apiKey: [] }],
    responses: { 200: answer('The models and the routing'), 401: error(401, 'Missing or wrong admin credentials', { admin: errors.adminUnauthorized }) },
  });
  registry.registerPath({
    method: 'put',
    path: '/admin/routing',
    tags: ['models'],
    summary: 'Change the routing at run time',
    description:
      'Aliases (`stable` → a model), the split of requests without a `model` (weights per alias or model), stickiness ' +
      '(`client`: per API key or address; `text`: per text; `none`) and an optional shadow (a model that also answers a sampled ' +
      'share of routed requests, stored for GET /analytics/compare only). Stored in Redis: every API instance follows within ' +
      'about a second. A job keeps the model chosen when it was queued. Needs the admin credentials.',
    security: [{ adminBasic: [] }],
    request: { body: jsonBody(RoutingBody, requests.routing) },
    responses: {
      200: answer('Applied: the models and the new routing'),
      400: error(400, 'Not a valid routing for this registry (unknown model or alias, no weight above 0)', { invalid: errors.badRouting }),
      401: error(401, 'Missing or wrong admin credentials', { admin: errors.adminUnauthorized }),
      403: error(403, 'No admin credentials are configured: the routing is read-only', { admin_required: errors.adminRequired }),
      503: error(503, 'Redis unreachable', { queue_unavailable: errors.queueUnavailable }),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/admin/routing',
    tags: ['models'],
    summary: "Back to the registry file's routing",
    security: [{ adminBasic: [] }],
    responses: {
      200: answer("Applied: the registry file's routing"),
      401: error(401, 'Missing or wrong admin credentials', { admin: errors.adminUnauthorized }),
      403: error(403, 'No admin credentials are configured: the routing is read-only', { admin_required: errors.adminRequired }),
      503: error(503, 'Redis unreachable', { queue_unavailable: errors.queueUnavailable }),
    },
  });
}
