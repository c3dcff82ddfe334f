// The OpenAPI document at /openapi.json and Swagger UI at /docs: the document is valid OpenAPI 3.1,
// covers exactly the routes the app serves, and every example in it passes the zod schema it sits next to.
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { Server } from 'node:http';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Express } from 'express';
import { chromium } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { ERROR_CODES, createOpenApiRegistry, type ErrorStatus, type OpenApiDocument } from '@sentiment/contract';
import { createHarness, type Harness } from './support/harness.js';

const API_KEY = 'openapi-test-key-0123456789';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Pages whose own sub-paths (their scripts, styles and JSON) are internals of the page, not API. */
const PAGES = ['/admin/queues', '/dashboard', '/docs'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

let open: Harness;
let keyed: Harness;
let doc: OpenApiDocument;

beforeAll(async () => {
  // Metrics on, board and dashboard mounted (not production): every route main.ts can serve.
  [open, keyed] = await Promise.all([createHarness({ metrics: {} }), createHarness({ access: { apiKeys: [API_KEY] } })]);
  const res = await request(open.app).get('/openapi.json').expect(200).expect('content-type', /json/);
  doc = res.body;
});

afterAll(async () => {
  await Promise.all([open?.close(), keyed?.close()]);
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('documents every route the app serves, and nothing it does not serve', () => {
    const served = servedRoutes(open.app).filter((r) => !PAGES.some((p) => r.path.startsWith(`${p}/`)));
    const documented = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      METHODS.filter((m) => (item as Record<string, unknown>)[m]).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const servedKeys = [...new Set(served.map((r) => `${r.method} ${r.path}`))];
    expect(servedKeys.filter((k) => !documented.includes(k)), 'served but not documented').toEqual([]);
    expect(documented.filter((k) => !servedKeys.includes(k)), 'documented but not served').toEqual([]);
  });

  it('holds examples only where a zod schema checks them, and every one passes it', () => {
    const routes = routeConfigs();
    const checked: string[] = [];
    for (const { pointer, value } of examplesIn(doc)) {
      const schema = schemaFor(routes, pointer);
      expect(schema, `no zod schema checks the example at ${pointer}`).toBeDefined();
      const parsed = schema!.safeParse(value);
      expect(parsed.success, `${pointer}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      checked.push(pointer);
    }
    // Request bodies, every success answer and every error answer carry examples.
    expect(checked.filter((p) => p.includes('/requestBody/')).length).toBe(6); // /predict (2), /batch, /jobs, PUT /admin/routing (2)
    expect(checked.length).toBeGreaterThan(60);
  });

  it("gives each error status examples with that status's codes", () => {
    let errors = 0;
    for (const { pointer, value } of examplesIn(doc)) {
      const status = /\/responses\/(\d{3})\//.exec(pointer)?.[1];
      if (!status || Number(status) < 400 || pointer.startsWith('/paths/~1ready/')) continue;
      const codes: readonly string[] = ERROR_CODES[Number(status) as ErrorStatus];
      expect(codes, pointer).toContain((value as { error: { code: string } }).error.code);
      errors++;
    }
    expect(errors).toBeGreaterThan(30);
  });

  it('documents the request headers and the security schemes the API uses', () => {
    const predict = doc.paths!['/predict']!.post!;
    const params = (predict.parameters ?? []) as { name: string; in: string }[];
    expect(params.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['header:Idempotency-Key', 'header:Prefer', 'query:async']));
    expect(Object.keys(predict.responses!['202']!.headers ?? {})).toEqual(expect.arrayContaining(['Location', 'Idempotent-Replayed']));
    expect(Object.keys(doc.paths!['/analytics/recent']!.get!.responses!['200']!.headers ?? {})).toContain('Link');
    expect(Object.keys(predict.responses!['503']!.headers ?? {})).toContain('Retry-After');
    expect(doc.components?.securitySchemes).toMatchObject({ apiKey: { type: 'http', scheme: 'bearer' }, adminBasic: { type: 'http', scheme: 'basic' } });
    expect(doc.paths!['/health']!.get!.security).toEqual([]);
  });
});

describe('access when API_KEYS is set', () => {
  it('serves /openapi.json and /docs without a key, while the API itself still needs one', async () => {
    await request(keyed.app).get('/openapi.json').expect(200);
    await request(keyed.app).get('/docs').expect(200);
    await request(keyed.app).get('/docs/swagger-ui-bundle.js').expect(200);
    await request(keyed.app).get('/ready').expect(401);
    await request(keyed.app).get('/ready').set('authorization', `Bearer ${API_KEY}`).expect((res) => expect(res.status).not.toBe(401));
  });
});

describe('GET /docs', () => {
  it('answers HTML whose scripts and styles are served by the API itself, under a CSP without inline scripts', async () => {
    const page = await request(open.app).get('/docs').expect(200).expect('content-type', /html/);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('upgrade-insecure-requests'); // would send a LAN browser to https:// for the assets
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    expect(page.text).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    for (const asset of assets) {
      expect(asset, 'a local path').toMatch(/^\/docs\//);
      const res = await request(open.app).get(asset);
      expect(res.status, asset).toBe(200);
    }
    await request(open.app).get('/docs/index.html').expect(404); // swagger-ui-dist's Petstore demo page is not served
  });

  it('renders every documented operation in a browser, reached by loopback or by a LAN address over plain HTTP', async () => {
    const server: Server = await new Promise((resolve) => {
      const s = open.app.listen(0, '0.0.0.0', () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    const lan = Object.values(networkInterfaces()).flat().find((i) => i?.family === 'IPv4' && !i.internal)?.address;
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const operations = Object.values(doc.paths ?? {}).flatMap((item) => METHODS.filter((m) => (item as Record<string, unknown>)[m]));
    try {
      for (const host of ['127.0.0.1', ...(lan ? [lan] : [])]) {
        const origin = `http://${host}:${port}`;
        const page = await browser.newPage();
        const problems: string[] = [];
        const foreign: string[] = [];
        // Chromium notes that helmet's Cross-Origin-Opener-Policy is ignored on a plain-HTTP LAN origin: harmless.
        page.on('console', (m) => m.type() === 'error' && !m.text().includes('Cross-Origin-Opener-Policy') && problems.push(m.text()));
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
        page.on('request', (r) => !r.url().startsWith(origin) && !r.url().startsWith('data:') && foreign.push(r.url()));
        await page.goto(`${origin}/docs`);
        await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('.opblock').length === n, operations.length, { timeout: 20_000 });
        expect(await page.textContent('.info .title'), host).toContain('Sentiment API');
        expect(problems, host).toEqual([]);
        expect(foreign, host).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// ---- helpers

interface ServedRoute {
  method: string;
  path: string;
}

/** Every (method, path) in the app's router stack, sub-routers included, with `:id` written `{id}`. */
function servedRoutes(app: Express): ServedRoute[] {
  const out: ServedRoute[] = [];
  const walk = (stack: unknown[], prefix: string) => {
    for (const layer of stack as Layer[]) {
      if (layer.route) {
        for (const path of [layer.route.path].flat()) {
          for (const method of Object.keys(layer.route.methods)) out.push({ method: method.toUpperCase(), path: normalize(prefix + path) });
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        for (const mount of [layer.rawPath ?? ''].flat()) walk(layer.handle.stack, prefix + (mount === '/' ? '' : mount));
      } else if (layer.name === 'mounted_app') {
        // A whole Express app (Bull Board's adapter): its router is not reachable from here; it serves its page at the mount.
        for (const mount of [layer.rawPath ?? ''].flat()) out.push({ method: 'GET', path: normalize(prefix + mount) });
      }
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack, '');
  return out;
}

interface Layer {
  name?: string;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: unknown[] };
  rawPath?: string | string[];
}

function normalize(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.replace(/:(\w+)/g, '{$1}') || '/';
}

/** The registry's routes (zod schemas included), by `METHOD /path`. */
function routeConfigs(): Map<string, RouteConfig> {
  const routes = new Map<string, RouteConfig>();
  for (const def of createOpenApiRegistry().definitions) {
    if (def.type === 'route') routes.set(`${def.route.method} ${def.route.path}`, def.route);
  }
  return routes;
}

/** Every `example`/`examples` in the document, as a JSON pointer and the example's value. */
function examplesIn(node: unknown, pointer = ''): { pointer: string; value: unknown }[] {
  if (node === null || typeof node !== 'object') return [];
  const found: { pointer: string; value: unknown }[] = [];
  for (const [key, child] of Object.entries(node)) {
    const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (key === 'example') found.push({ pointer: at, value: child });
    else if (key === 'examples' && child && typeof child === 'object' && !Array.isArray(child)) {
      for (const [name, ex] of Object.entries(child)) found.push({ pointer: `${at}/${name}`, value: (ex as { value: unknown }).value });
    } else if (key === 'examples') found.push({ pointer: at, value: child }); // a JSON-schema examples array: unchecked
    else found.push(...examplesIn(child, at));
  }
  return found;
}

/** The zod schema a media-type example belongs to: the route's request body or its response for that status. */
function schemaFor(routes: Map<string, RouteConfig>, pointer: string): ZodType | undefined {
  const parts = pointer.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (parts[0] !== 'paths') return undefined;
  const [, path, method, where, ...rest] = parts;
  const route = routes.get(`${method} ${path}`);
  if (!route) return undefined;
  let content: unknown;
  if (where === 'requestBody' && rest[0] === 'content') content = route.request?.body?.content[rest[1]!];
  else if (where === 'responses' && rest[1] === 'content') content = (route.responses[rest[0]!] as { content?: Record<string, unknown> }).content?.[rest[2]!];
  const schema = (content as { schema?: unknown } | undefined)?.schema;
  const isZod = (s: unknown): s is ZodType => typeof (s as ZodType | undefined)?.safeParse === 'function';
  return rest.at(-2) === 'examples' && isZod(schema) ? schema : undefined;
}
