// The HTTP contract of the API: request and response schemas (zod), their types, and the OpenAPI
// document generated from them. apps/api validates with these; packages/client builds on them.
export { MAX_BATCH_TEXTS, MAX_JOB_TEXTS, MAX_TEXT_CHARS } from '@sentiment/queue';
export * from './requests.js';
export * from './sentiment.js';
export * from './predictions.js';
export * from './jobs.js';
export * from './health.js';
export * from './errors.js';
export * from './analytics.js';
export { createOpenApiRegistry, generateOpenApiDocument, type OpenApiDocument } from './openapi/document.js';
export { DOCS_PATH, OPENAPI_PATH } from './openapi/operations-paths.js';
export * from './models.js';
