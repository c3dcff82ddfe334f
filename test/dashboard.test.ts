// The analytics page end to end: the real API process, known rows in Postgres, real headless Chromium.
// What a user sees (figures, charts, the model table) must be what the analytics endpoints answer.
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComparisonWriter, createPredictionWriter, initOrm, SENTIMENTS, type ModelComparisonRow, type NewPrediction, type Orm, type Sentiment } from '@sentiment/db';
import { repoRoot, waitFor } from './support/processes.js';
import { postJson, startStack, TEST_DATABASE_URL, type Stack } from './support/stack.js';

const ADMIN = { username: 'dashboard-admin', password: 'a-long-admin-password' };
const API_KEY = 'dashboard-test-api-key-0123456789';
/** A second, made-up model version rolled out next to the shipped one. */
const CANARY = 'sentiment-sst2-v2+0b5e7c1d';
/** The README's picture is refreshed only on request (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean. */
const SCREENSHOT = process.env.UPDATE_SCREENSHOT === '1' ? path.join(repoRoot, 'docs/dashboard.png') : path.join(os.tmpdir(), 'sentiment-dashboard.png');
/** Debian's package (.ci/run installs it): no browser download, no internet. CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Only used inside page.evaluate callbacks, which run in the browser (this project has no DOM typings).
declare const document: any;
declare const window: any;

let stack: Stack;
let orm: Orm;
let browser: Browser;
/** An API with admin credentials and API keys: the page must work with the former alone. */
let guarded: string;
let shippedVersion: string;
/** Every prediction stored, as the test knows it (not as the code under test reports it). */
const written: { sentiment: Sentiment; modelVersion: string }[] = [];

beforeAll(async () => {
  stack = await startStack('dashboard');
  // A few real predictions through the pipeline, so the shipped model's version is the real one.
  const real = await postJson(`${stack.url}/batch`, {
    texts: ['An absolute joy to watch.', 'a thoroughly awful, boring mess', 'The acting was superb.', 'It is a film.', 'Dull and tedious.'],
  });
  expect(real.status, stack.logs()).toBe(200);
  shippedVersion = real.body.predictions[0].model_version;
  for (const p of real.body.predictions) written.push({ sentiment: p.sentiment, modelVersion: p.model_version });

  orm = await initOrm({ clientUrl: TEST_DATABASE_URL, schema: stack.schema, poolMax: 2 });
  const rows = seedRows(Date.now(), shippedVersion);
  await createPredictionWriter(orm).insertMany(rows);
  written.push(...rows);
  await waitFor('every row', async () => (await count()) === written.length);

  ({ url: guarded } = await stack.startApi({ ADMIN_USER: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, API_KEYS: API_KEY }));
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await orm?.close();
  await stack?.stop();
});

describe('GET /dashboard in a browser', () => {
  it('shows the analytics endpoints’ figures and charts, refreshes itself, and never leaves the host', async () => {
    const { context, page, problems, requests } = await openPage();
    try {
      const origin = new URL(guarded).origin;

      const all = await snapshot(page);
      await expectPageMatchesApi(all, '');
      // The known rows, counted here, not by the code under test.
      const expected = Object.fromEntries(SENTIMENTS.map((s) => [s, written.filter((r) => r.sentiment === s).length]));
      expect(all.figures['summary-total']!.value).toBe(written.length);
      for (const s of SENTIMENTS) expect(all.figures[`dist-${s}`]!.value, s).toBe(expected[s]);
      expect(all.figures['timeseries-total']!.value).toBe(written.length);
      expect(all.models.map((m) => m.version).sort()).toEqual([CANARY, shippedVersion].sort());

      // One model version chosen in the selector: every figure follows it.
      await page.selectOption('[data-testid="model-select"]', CANARY);
      await page.waitForFunction((v) => document.querySelector('tr.selected')?.getAttribute('data-model-version') === v, CANARY);
      const canary = await snapshot(page);
      await expectPageMatchesApi(canary, CANARY);
      expect(canary.figures['summary-total']!.value).toBe(written.filter((r) => r.modelVersion === CANARY).length);
      await page.selectOption('[data-testid="model-select"]', '');

      // New predictions appear without a reload, and "updated at" moves on.
      const before = await page.getAttribute('[data-testid="updated-at"]', 'datetime');
      const fresh = await postJson(`${stack.url}/predict`, { text: 'What a wonderful surprise.' });
      expect(fresh.status).toBe(200);
      written.push({ sentiment: fresh.body.sentiment, modelVersion: fresh.body.model_version });
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid="summary-total"]')?.getAttribute('data-value') === String(n),
        written.length,
        { timeout: 15_000 },
      );
      expect(await page.getAttribute('[data-testid="updated-at"]', 'datetime')).not.toBe(before);
      await expectPageMatchesApi(await snapshot(page), '');

      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      expect(problems, 'console errors, page errors or failed requests').toEqual([]);
      expect(requests.filter((u) => new URL(u).origin !== origin), 'requests that left the host').toEqual([]);
      // The page, its script and stylesheet, chart.js from node_modules, and the data calls.
      expect(requests).toContain(`${origin}/dashboard/vendor/chart.umd.min.js`);
      expect(requests).toContain(`${origin}/dashboard/core.js`);
      expect(requests.some((u) => u.startsWith(`${origin}/dashboard/api/timeseries?`))).toBe(true);
    } finally {
      await context.close();
    }
  });
});

describe('Compare versions in a browser', () => {
  it('shows the compare endpoint’s figures for the two sides picked, a version against a model name', async () => {
    const pairs = seedComparisons(Date.now(), shippedVersion);
    await createComparisonWriter(orm).write(pairs);
    const canaryName = CANARY.split('+')[0]!;
    const { context, page, problems } = await openPage();
    try {
      await page.selectOption('[data-testid="compare-a-select"]', shippedVersion);
      await page.selectOption('[data-testid="compare-b-select"]', canaryName);
      await page.waitForFunction((pair) => document.querySelector('[data-testid="compare"]')?.dataset.pair === pair, `${shippedVersion}|${canaryName}`, { timeout: 15_000 });
      const shown = await snapshot(page);
      const answer = await api('compare', { a: shippedVersion, b: canaryName, from: shown.window.from, to: shown.window.to });

      // Counted here, from the rows written, oriented by the test: the shipped version's answer is a's.
      expect(answer.pairs).toBe(pairs.length);
      const aAnswer = (p: ModelComparisonRow) => (p.servingVersion === shippedVersion ? p.servingSentiment : p.shadowSentiment);
      const bAnswer = (p: ModelComparisonRow) => (p.servingVersion === shippedVersion ? p.shadowSentiment : p.servingSentiment);
      expect(answer.agreement).toBeCloseTo(pairs.filter((p) => aAnswer(p) === bAnswer(p)).length / pairs.length, 12);

      expectFigure(shown, 'compare-pairs', answer.pairs, show.count(answer.pairs));
      expectFigure(shown, 'compare-agreement', answer.agreement, show.rate(answer.agreement));
      for (const a of SENTIMENTS) {
        for (const b of SENTIMENTS) {
          const n = answer.confusion[a][b];
          expect(n, `${a} → ${b}`).toBe(pairs.filter((p) => aAnswer(p) === a && bAnswer(p) === b).length);
          expectFigure(shown, `confusion-${a}-${b}`, n, show.count(n));
        }
      }
      for (const [side, stats] of [['a', answer.a_stats], ['b', answer.b_stats]] as const) {
        expectFigure(shown, `compare-${side}-confidence`, stats.mean_confidence, show.confidence(stats.mean_confidence));
        expectFigure(shown, `compare-${side}-p50`, stats.latency.p50_ms, show.ms(stats.latency.p50_ms));
        expectFigure(shown, `compare-${side}-p95`, stats.latency.p95_ms, show.ms(stats.latency.p95_ms));
      }
      // The selects offer every version of the window and its model name.
      const options = await page.$$eval('[data-testid="compare-a-select"] option', (els: any[]) => els.map((o) => o.value));
      expect(options).toEqual(expect.arrayContaining([shippedVersion, CANARY, canaryName, shippedVersion.split('+')[0]]));

      // Two sides that overlap are not sent: the page says so and shows no figures.
      await page.selectOption('[data-testid="compare-b-select"]', shippedVersion.split('+')[0]!);
      await page.waitForFunction(() => document.querySelector('[data-testid="compare"]')?.dataset.pair === '');
      expect((await snapshot(page)).figures['compare-pairs']).toEqual({ value: null, text: '—' });
      expect(await page.textContent('[data-testid="compare-note"]')).toMatch(/overlap/);
      expect(problems, 'console errors, page errors or failed requests').toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('who may open /dashboard', () => {
  it('asks for the admin credentials (as Bull Board does) and never for an API key', async () => {
    const anonymous = await fetch(`${guarded}/dashboard`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(((await anonymous.json()) as any).error.code).toBeTypeOf('string');
    expect((await fetch(`${guarded}/dashboard/api/summary`, { headers: basic(ADMIN.username, 'wrong-password!') })).status).toBe(401);
    expect((await fetch(`${guarded}/dashboard/api/summary`, { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(401);

    const page = await fetch(`${guarded}/dashboard`, { headers: basic(ADMIN.username, ADMIN.password) });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // Scripts stay same-origin files: no inline script is allowed on this page either.
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/script-src-attr 'none'/);
    // Over plain HTTP by host name, an upgrade to https:// would break the page's own script and data URLs.
    expect(csp).not.toMatch(/upgrade-insecure-requests/);

    const data = await fetch(`${guarded}/dashboard/api/summary`, { headers: basic(ADMIN.username, ADMIN.password) });
    expect(data.status).toBe(200);
    expect(((await data.json()) as any).total_predictions).toBeGreaterThan(0);
    // The admin login opens the page only: the API proper still wants a key.
    expect((await fetch(`${guarded}/analytics/summary`, { headers: basic(ADMIN.username, ADMIN.password) })).status).toBe(401);

    const missing = await fetch(`${guarded}/dashboard/nope.js`, { headers: basic(ADMIN.username, ADMIN.password) });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.code).toBe('not_found');
    const bad = await fetch(`${guarded}/dashboard/api/timeseries?bucket=fortnight`, { headers: basic(ADMIN.username, ADMIN.password) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe('validation_error');
  });

  it('is open without admin credentials outside production, and absent in production', async () => {
    expect((await fetch(`${stack.url}/dashboard`)).status).toBe(200);
    expect((await fetch(`${stack.url}/dashboard/vendor/chart.umd.min.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${stack.url}/dashboard/vendor/..%2Fpackage.json`)).status).toBe(404);

    const production = await stack.startApi({ NODE_ENV: 'production', ALLOW_ANONYMOUS: 'true' });
    for (const p of ['/dashboard', '/dashboard/api/summary', '/dashboard/dashboard.js', '/dashboard/core.js']) {
      const res = await fetch(`${production.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(((await res.json()) as any).error.code).toBe('not_found');
    }
    await production.process.stop();
  });
});

// ---- the page ---------------------------------------------------------------------------------

async function openPage(): Promise<{ context: BrowserContext; page: Page; problems: string[]; requests: string[] }> {
  const context = await browser.newContext({
    httpCredentials: { username: ADMIN.username, password: ADMIN.password },
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${guarded}/dashboard`);
  await page
    .waitForSelector('body[data-state="ready"]', { timeout: 20_000 })
    .catch(async (err) => {
      const status = await page.evaluate(() => document.querySelector('[data-testid="status"]')?.textContent);
      throw new Error(`the page never rendered: ${status}; ${problems.join('; ')}`, { cause: err });
    });
  return { context, page, problems, requests };
}

interface Figure {
  text: string;
  value: number | null;
}

interface ChartData {
  labels: string[];
  datasets: { label?: string; data: (number | null)[] }[];
  /** Canvas pixels something was drawn on. */
  painted: number;
}

interface Snapshot {
  window: { from: string; to: string; bucket: string };
  figures: Record<string, Figure>;
  charts: Record<string, ChartData>;
  models: { version: string; cells: Record<string, string> }[];
  updatedAt: string;
}

/** Everything the page shows, read in one go (a refresh cannot land halfway through). */
function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    const w = document.querySelector('[data-testid="window"]').dataset;
    const figures: Record<string, { text: string; value: number | null }> = {};
    for (const el of document.querySelectorAll('[data-value]')) {
      figures[el.dataset.testid!] = { text: el.textContent!, value: el.dataset.value === '' ? null : Number(el.dataset.value) };
    }
    const charts: Record<string, unknown> = {};
    for (const canvas of document.querySelectorAll('canvas') as any[]) {
      const chart = window.Chart.getChart(canvas);
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
      charts[canvas.dataset.testid!] = {
        labels: [...chart.data.labels],
        datasets: chart.data.datasets.map((d: any) => ({ label: d.label, data: [...d.data] })),
        painted,
      };
    }
    const models = [...document.querySelectorAll('[data-testid="model-row"]')].map((tr: any) => ({
      version: tr.dataset.modelVersion!,
      cells: Object.fromEntries([...tr.querySelectorAll('td')].map((td: any) => [td.dataset.testid!, td.textContent!])),
    }));
    const updatedAt = document.querySelector('[data-testid="updated-at"]')!.getAttribute('datetime')!;
    return { window: { from: w.from!, to: w.to!, bucket: w.bucket! }, figures, charts: charts as Snapshot['charts'], models, updatedAt };
  });
}

// The page's display rules, written out again: what a person reads must be the API's number.
const show = {
  count: (n: number) => n.toLocaleString('en-US'),
  confidence: (x: number | null) => (x === null ? '—' : x.toFixed(3)),
  ms: (x: number | null) => (x === null ? '—' : `${x.toFixed(2)} ms`),
  rate: (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`),
};

function expectFigure(shown: Snapshot, id: string, value: number | null, text: string) {
  expect(shown.figures[id], id).toEqual({ value, text });
}

async function expectPageMatchesApi(shown: Snapshot, modelVersion: string) {
  const { from, to, bucket } = shown.window;
  const filters = { from, to, ...(modelVersion ? { model_version: modelVersion } : {}) };
  const [summary, distribution, timeseries, latency, models] = await Promise.all([
    api('summary', filters),
    api('sentiment-distribution', filters),
    api('timeseries', { ...filters, bucket }),
    api('latency', filters),
    api('models', { from, to }),
  ]);

  expectFigure(shown, 'summary-total', summary.total_predictions, show.count(summary.total_predictions));
  expectFigure(shown, 'summary-avg-confidence', summary.avg_confidence, show.confidence(summary.avg_confidence));
  expectFigure(shown, 'summary-avg-latency', summary.avg_latency_ms, show.ms(summary.avg_latency_ms));
  expectFigure(shown, 'summary-cache-hit-rate', summary.cache_hit_rate, show.rate(summary.cache_hit_rate));
  for (const s of SENTIMENTS) expectFigure(shown, `dist-${s}`, distribution[s], show.count(distribution[s]));
  expectFigure(shown, 'latency-p50', latency.p50_ms, show.ms(latency.p50_ms));
  expectFigure(shown, 'latency-p95', latency.p95_ms, show.ms(latency.p95_ms));
  expectFigure(shown, 'latency-p99', latency.p99_ms, show.ms(latency.p99_ms));
  expectFigure(shown, 'latency-max', latency.max_ms, show.ms(latency.max_ms));
  expectFigure(shown, 'latency-count', latency.count, `${show.count(latency.count)} predictions`);

  const totals: number[] = timeseries.points.map((p: any) => p.total);
  const sum = totals.reduce((a, b) => a + b, 0);
  expectFigure(shown, 'timeseries-total', sum, show.count(sum));
  expectFigure(shown, 'timeseries-peak', Math.max(...totals), show.count(Math.max(...totals)));

  const charts = shown.charts;
  expect(charts['chart-distribution']!.datasets[0]!.data).toEqual(SENTIMENTS.map((s) => distribution[s]));
  expect(charts['chart-volume']!.labels).toHaveLength(timeseries.points.length);
  for (const [i, s] of SENTIMENTS.entries()) {
    expect(charts['chart-volume']!.datasets[i]).toEqual({ label: s, data: timeseries.points.map((p: any) => p.counts[s]) });
  }
  // One line (confidence) and one bar group (latency) per model version shown.
  const versions = modelVersion ? [modelVersion] : models.map((m: any) => m.model_version);
  expect(charts['chart-confidence']!.datasets.map((d) => d.label)).toEqual(versions);
  expect(charts['chart-latency']!.datasets.map((d) => d.label)).toEqual(versions);
  for (const [i, version] of versions.entries()) {
    const [ts, lat] = await Promise.all([
      api('timeseries', { from, to, bucket, model_version: version }),
      api('latency', { from, to, model_version: version }),
    ]);
    expect(charts['chart-confidence']!.datasets[i]!.data, version).toEqual(ts.points.map((p: any) => p.avg_confidence));
    expect(charts['chart-latency']!.datasets[i]!.data, version).toEqual([lat.p50_ms, lat.p95_ms, lat.p99_ms, lat.max_ms]);
  }
  for (const [name, chart] of Object.entries(charts)) expect(chart.painted, `${name} drew nothing`).toBeGreaterThan(1000);

  expect(shown.models.map((m) => m.version)).toEqual(models.map((m: any) => m.model_version));
  for (const [i, m] of models.entries()) {
    expect(shown.models[i]!.cells, m.model_version).toMatchObject({
      'model-total': show.count(m.total),
      'model-negative': show.count(m.counts.negative),
      'model-neutral': show.count(m.counts.neutral),
      'model-positive': show.count(m.counts.positive),
      'model-avg-confidence': show.confidence(m.avg_confidence),
      'model-avg-latency': show.ms(m.avg_latency_ms),
      'model-cache-hit-rate': show.rate(m.cache_hit_rate),
    });
  }
}

/** The public analytics endpoints, as an API client calls them (with a key). */
async function api(endpoint: string, params: Record<string, string>): Promise<any> {
  const res = await fetch(`${guarded}/analytics/${endpoint}?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${API_KEY}` } });
  const body = (await res.json()) as any;
  expect(res.status, `${endpoint}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

async function count(): Promise<number> {
  const [row] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.predictions');
  return Number(row!.n);
}

// ---- known rows -------------------------------------------------------------------------------

/** Deterministic pseudo-random numbers (mulberry32), so every run draws the same realistic traffic. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Shadow-run pairs of the last 50 minutes: the canary shadowing the shipped version, and over the last
 * 20 minutes the other way round too; they mostly agree, the canary a little faster.
 */
function seedComparisons(now: number, shipped: string): ModelComparisonRow[] {
  const rand = random(7);
  const pick = (): Sentiment => (['negative', 'neutral', 'positive'] as const)[Math.floor(rand() * 3)]!;
  const jobId = randomUUID();
  return Array.from({ length: 400 }, (_, i) => {
    const ago = rand() * 50 * 60_000;
    const canaryServes = ago < 20 * 60_000 && rand() < 0.4;
    const shippedAnswer = pick();
    const canaryAnswer = rand() < 0.85 ? shippedAnswer : pick();
    const shippedSide = { version: shipped, sentiment: shippedAnswer, confidence: 0.6 + 0.39 * rand(), latencyMs: 2.6 * Math.exp(0.3 * rand()) };
    const canarySide = { version: CANARY, sentiment: canaryAnswer, confidence: 0.65 + 0.34 * rand(), latencyMs: 1.7 * Math.exp(0.3 * rand()) };
    const [serving, shadow] = canaryServes ? [canarySide, shippedSide] : [shippedSide, canarySide];
    return {
      timestamp: new Date(now - ago),
      jobId,
      itemIndex: i,
      servingVersion: serving.version,
      servingSentiment: serving.sentiment,
      servingConfidence: serving.confidence,
      servingLatencyMs: serving.latencyMs,
      shadowVersion: shadow.version,
      shadowSentiment: shadow.sentiment,
      shadowConfidence: shadow.confidence,
      shadowLatencyMs: shadow.latencyMs,
    };
  });
}

/**
 * 55 minutes of traffic ending with the last whole minute: a daily-looking wave of 15–70 predictions a
 * minute, mostly positive, and a canary version taking a growing share over the last 20 minutes.
 */
function seedRows(now: number, shipped: string): NewPrediction[] {
  const rand = random(42);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const thisMinute = Math.floor(now / 60_000) * 60_000;
  const rows: NewPrediction[] = [];
  for (let ago = 55; ago >= 1; ago--) {
    const start = thisMinute - ago * 60_000;
    const jobId = randomUUID();
    const n = Math.round(42 + 22 * Math.sin(ago / 7) + 6 * gauss());
    const canaryShare = ago <= 20 ? 0.15 + (20 - ago) * 0.02 : 0;
    for (let i = 0; i < n; i++) {
      const canary = rand() < canaryShare;
      const r = rand();
      const sentiment: Sentiment = r < 0.56 ? 'positive' : r < 0.9 ? 'negative' : 'neutral';
      const confidence = sentiment === 'neutral' ? 0.5 + 0.1 * rand() : Math.min(0.999, (canary ? 0.8 : 0.72) + 0.27 * Math.sqrt(rand()));
      const cacheHit = rand() < (canary ? 0.08 : 0.18);
      const spike = rand() < 0.02 ? 4 : 1;
      const latencyMs = cacheHit ? 0.02 + 0.05 * rand() : (canary ? 1.7 : 2.6) * Math.exp(0.3 * gauss()) * spike;
      rows.push({
        id: randomUUID(),
        timestamp: new Date(start + Math.floor(rand() * 60_000)),
        inputText: null,
        sentiment,
        confidence,
        latencyMs: Math.round(latencyMs * 1000) / 1000,
        modelVersion: canary ? CANARY : shipped,
        cacheHit,
        jobId,
        itemIndex: i,
      });
    }
  }
  return rows;
}
