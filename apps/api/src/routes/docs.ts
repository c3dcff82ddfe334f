import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';
import { DOCS_PATH, OPENAPI_PATH, generateOpenApiDocument, type OpenApiDocument } from '@sentiment/contract';

/** swagger-ui-dist's folder (a plain CJS package without `exports`, so its package.json resolves). */
const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
/** The files the page loads; the package's own index.html and initializer (the Petstore demo) are not served. */
const SWAGGER_UI_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png']);

// Scripts come from files, never inline, so the strict CSP every other page gets (script-src 'self') holds here too.
const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Sentiment API</title>
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/init.js"></script>
  </body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_PATH)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/**
 * GET /openapi.json (the document generated from @sentiment/contract's zod schemas) and GET /docs
 * (Swagger UI, served from node_modules: no CDN). Both are public: the document holds no secrets, and
 * a browser cannot send an API key to load it; "Try it out" calls still need one when API_KEYS is set.
 */
export function docsRouter(): Router {
  const router = Router();
  let document: OpenApiDocument | undefined; // built on first use, then kept: it never changes at runtime

  router.get(OPENAPI_PATH, (_req, res) => {
    document ??= generateOpenApiDocument();
    res.json(document);
  });
  // helmet's default CSP minus `upgrade-insecure-requests`: over plain HTTP by a non-loopback address (a LAN
  // host), browsers would otherwise fetch this page's own scripts over HTTPS, and the page would stay blank.
  const pageCsp = helmet.contentSecurityPolicy({ directives: { upgradeInsecureRequests: null } });
  router.get(DOCS_PATH, pageCsp, (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get(`${DOCS_PATH}/init.js`, (_req, res) => {
    res.type('js').send(INIT);
  });
  const assets = express.static(SWAGGER_UI_DIR, { index: false, redirect: false, maxAge: '1h' });
  router.use(DOCS_PATH, (req, res, next) => (SWAGGER_UI_FILES.has(req.path.slice(1)) ? assets(req, res, next) : next()));
  return router;
}
