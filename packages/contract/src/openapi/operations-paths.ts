import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { errors } from './examples.js';
import { error } from './http.js';

/** Where the API serves this document and the interactive page reading it. */
export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' as const } } } });
/** The admin pages: Basic credentials when ADMIN_USER/ADMIN_PASSWORD are set, else an API key when API_KEYS is. */
const pageSecurity: Record<string, string[]>[] = [{ adminBasic: [] }, { apiKey: [] }];
const pageUnauthorized = error(401, 'Missing or wrong admin credentials (or API key, when only API_KEYS is set)', {
  admin: errors.adminUnauthorized,
  api_key: errors.unauthorized,
});

/** The document itself, the pages (Swagger UI, dashboard, Bull Board) and the Prometheus scrape endpoint. */
export function registerOperationsPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: OPENAPI_PATH,
    tags: ['documentation'],
    summary: 'This OpenAPI 3.1 document',
    description: 'Generated from the zod schemas the API validates requests with. Public (no API key): it holds no secrets.',
    security: [],
    responses: { 200: { description: 'The document', content: { 'application/json': { schema: { type: 'object' } } } } },
  });
  registry.registerPath({
    method: 'get',
    path: DOCS_PATH,
    tags: ['documentation'],
    summary: 'Interactive documentation (Swagger UI)',
    description: 'Served from the API itself (no CDN). Public; "Authorize" takes an API key for "Try it out" calls when API_KEYS is set.',
    security: [],
    responses: { 200: html('The page') },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: 'Prometheus metrics',
    description: "Prometheus' text exposition format. Needs an API key when API_KEYS is set; never rate-limited.",
    responses: {
      200: { description: 'The metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
      401: error(401, 'When API_KEYS is set: missing or unknown key', { unauthorized: errors.unauthorized }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/dashboard',
    tags: ['operations'],
    summary: 'Analytics dashboard (HTML)',
    description:
      'Behind admin Basic auth when ADMIN_USER/ADMIN_PASSWORD are set; otherwise open outside production ' +
      '(behind an API key when API_KEYS is set), and not served in production.',
    security: pageSecurity,
    responses: { 200: html('The page'), 401: pageUnauthorized },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/queues',
    tags: ['operations'],
    summary: 'Bull Board (HTML)',
    description:
      'The queues `predictions`, `prediction-writes` and `maintenance`. Behind admin Basic auth when ADMIN_USER/ADMIN_PASSWORD ' +
      'are set; otherwise read-only outside production (behind an API key when API_KEYS is set), and not served in production.',
    security: pageSecurity,
    responses: { 200: html('The page'), 401: pageUnauthorized },
  });
}
