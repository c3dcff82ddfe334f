import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { BUCKET_MS, SENTIMENTS, TIMESERIES_BUCKETS } from '@sentiment/core';
import type { AnalyticsRepository } from '@sentiment/db';
import { NotFoundError } from '../errors.js';
import { boardMode, localOnly, type AccessOptions } from '../security/access.js';
import { adminAuth } from '../security/admin-auth.js';
import { apiKeyGate } from '../security/api-keys.js';
import { dashboardContentSecurityPolicy } from '../security/headers.js';
import { analyticsRouter } from './analytics.js';

export const DASHBOARD_PATH = '/dashboard';

/** index.html, dashboard.js and dashboard.css: static files, no build step. */
// The page's files are not TypeScript: a build (dist/src/routes) serves them from src/dashboard too.
const PAGE_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/src/') ? '../../../src/dashboard/' : '../dashboard/', import.meta.url));
/** chart.js's own dist folder (its package exports only the CJS/ESM entries, so resolve one and take its folder). */
const CHART_DIR = path.dirname(createRequire(import.meta.url).resolve('chart.js'));
/** The self-contained UMD build (the ESM build imports @kurkle/color by bare name, which needs an import map). */
const CHART_FILES = new Set(['chart.umd.min.js', 'chart.umd.min.js.map']);
/**
 * The constants the page shares with the API (the sentiments, the timeseries buckets and their widths),
 * from their one definition in @sentiment/core: a script, as the page has no build step to import them.
 */
const CORE_SCRIPT = `window.SENTIMENT_CORE = Object.freeze(${JSON.stringify({
  SENTIMENTS,
  BUCKET_MS: Object.fromEntries(TIMESERIES_BUCKETS.map((b) => [b, BUCKET_MS[b]])),
})});\n`;

export interface DashboardOptions {
  analytics: AnalyticsRepository;
  access?: Pick<AccessOptions, 'admin' | 'production' | 'apiKeys'>;
}

/**
 * The analytics page at DASHBOARD_PATH: HTML, its script and stylesheet, chart.js served from
 * node_modules (no CDN), and the same analytics handlers under `/api`, so the page needs no API key.
 * Exposed exactly like Bull Board: behind admin Basic auth when credentials are set; else to this machine
 * only outside production (and with a key when API keys are set); not at all in production.
 * Mount it before the app-wide API-key gate, which would otherwise ask the browser for a Bearer key.
 */
export function dashboardRouter({ analytics, access = {} }: DashboardOptions): Router {
  const router = Router();
  const mode = boardMode(access);
  // Nothing handled: requests fall through to the API-key gate and the 404 handler.
  if (mode === 'absent') return router;
  router.use(dashboardContentSecurityPolicy());
  if (mode === 'protected') router.use(adminAuth(access.admin!));
  else {
    router.use(localOnly('The analytics page'));
    if (access.apiKeys?.length) router.use(apiKeyGate(access.apiKeys));
  }

  router.use('/api', analyticsRouter({ analytics }));
  router.get('/vendor/:file', (req, res, next) => {
    if (!CHART_FILES.has(req.params.file)) return next();
    res.sendFile(req.params.file, { root: CHART_DIR, maxAge: '1h' });
  });
  router.get('/core.js', (_req, res) => res.type('text/javascript').set('cache-control', 'no-cache').send(CORE_SCRIPT));
  // `/dashboard` and `/dashboard/` alike (the page's URLs are absolute, so no redirect is needed).
  router.get('/', (_req, res) => res.sendFile('index.html', { root: PAGE_DIR }));
  router.use(express.static(PAGE_DIR, { index: false, redirect: false }));
  // Answered here: past this router the API-key gate would ask an admin's browser for a Bearer key.
  router.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.baseUrl}${req.path}`)));
  return router;
}
