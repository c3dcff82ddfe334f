// The analytics page: reads /dashboard/api/* (the API's analytics handlers) every few seconds and
// draws it with chart.js (window.Chart, loaded before this file). No framework, no build step.
(() => {
  'use strict';

  const API = '/dashboard/api';
  const REFRESH_MS = 5000;
  /** Per-version series (confidence lines, latency bars) for at most this many recent versions. */
  const MAX_VERSIONS = 5;
  // The sentiments and the bucket widths, as the API defines them (core.js, served from @sentiment/core).
  const { SENTIMENTS, BUCKET_MS } = window.SENTIMENT_CORE;
  const SENTIMENT_COLORS = { negative: '#d64545', neutral: '#9aa0a6', positive: '#2f9e5b' };
  const VERSION_COLORS = ['#3867d6', '#f08c00', '#8e44ad', '#0c8599', '#c2255c'];
  /** Window choices: how many buckets of which size, ending with the current (partial) bucket. */
  const RANGES = {
    '15m': { buckets: 15, bucket: 'minute' },
    '1h': { buckets: 60, bucket: 'minute' },
    '24h': { buckets: 24, bucket: 'hour' },
    '7d': { buckets: 168, bucket: 'hour' },
    '30d': { buckets: 30, bucket: 'day' },
  };
  const LABEL_FORMATS = {
    minute: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
    hour: new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' }),
    // Day buckets are UTC days: label them as such.
    day: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
  };

  // Shown numbers; the page's test formats the endpoints' JSON with the same rules.
  const format = {
    count: (n) => n.toLocaleString('en-US'),
    confidence: (x) => (x === null ? '—' : x.toFixed(3)),
    ms: (x) => (x === null ? '—' : `${x.toFixed(2)} ms`),
    rate: (x) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`),
  };

  const $ = (selector) => document.querySelector(selector);
  const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

  /** Text for people, the exact value in `data-value` (empty for null) for scripts and tests. */
  function show(testId, value, formatter) {
    const el = byTestId(testId);
    el.textContent = formatter(value);
    el.dataset.value = value === null ? '' : String(value);
  }

  class ApiError extends Error {}

  async function getJson(path, params) {
    const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
    const res = await fetch(`${API}/${path}?${query}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(`${path}: ${res.status} ${body?.error?.message ?? res.statusText}`);
    return body;
  }

  function currentWindow() {
    const range = RANGES[$('#range').value] ?? RANGES['1h'];
    const size = BUCKET_MS[range.bucket];
    // `to` is the end of the current bucket, so the newest predictions are always in view.
    const to = Math.floor(Date.now() / size) * size + size;
    const from = to - range.buckets * size;
    return { bucket: range.bucket, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  }

  async function load() {
    const win = currentWindow();
    const model = $('#model').value;
    const filters = { from: win.from, to: win.to, model_version: model };
    const [summary, distribution, timeseries, latency, models] = await Promise.all([
      getJson('summary', filters),
      getJson('sentiment-distribution', filters),
      getJson('timeseries', { ...filters, bucket: win.bucket }),
      getJson('latency', filters),
      getJson('models', { from: win.from, to: win.to }),
    ]);
    // One model chosen: its series are the ones just read; otherwise one request pair per recent version.
    const versions = model ? [model] : models.slice(0, MAX_VERSIONS).map((m) => m.model_version);
    const perVersion = model
      ? [{ version: model, timeseries, latency }]
      : await Promise.all(
          versions.map(async (version) => {
            const f = { ...filters, model_version: version };
            const [ts, lat] = await Promise.all([getJson('timeseries', { ...f, bucket: win.bucket }), getJson('latency', f)]);
            return { version, timeseries: ts, latency: lat };
          }),
        );
    const comparison = await loadComparison(win);
    return { win, model, summary, distribution, timeseries, latency, models, perVersion, comparison };
  }

  // ---- compare versions (shadow runs) -------------------------------------------------------

  /** A full model_version (`name+8 hex`); anything else in the selects is a model name. */
  const FULL_VERSION = /\+[0-9a-f]{8}$/;
  const nameOf = (ref) => ref.split('+')[0];
  /** The API refuses references that can name the same version (equal, or a version of the other's name). */
  const overlap = (a, b) => a === b || (!FULL_VERSION.test(a) && nameOf(b) === a) || (!FULL_VERSION.test(b) && nameOf(a) === b);

  /** The chosen pair's comparison over the window; null while fewer than two distinct sides are chosen. */
  async function loadComparison(win) {
    const a = $('#compare-a').value;
    const b = $('#compare-b').value;
    if (!a || !b || overlap(a, b)) return { a, b, answer: null };
    return { a, b, answer: await getJson('compare', { a, b, from: win.from, to: win.to }) };
  }

  /** Both selects: every version in the window and their model names (all versions), the chosen ones kept. */
  function renderCompareChoices({ models, comparison }) {
    const versions = models.map((m) => m.model_version);
    const refs = new Set();
    for (const v of [...versions].sort()) {
      refs.add(nameOf(v));
      refs.add(v);
    }
    for (const [select, chosen] of [[$('#compare-a'), comparison.a], [$('#compare-b'), comparison.b]]) {
      if (chosen) refs.add(chosen);
      const options = [...refs].map((r) => new Option(FULL_VERSION.test(r) ? r : `${r} (all versions)`, r));
      select.replaceChildren(new Option('choose…', ''), ...options);
      select.value = chosen;
    }
  }

  function renderComparison({ comparison }) {
    const { a, b, answer } = comparison;
    for (const el of document.querySelectorAll('.compare-a-name')) el.textContent = a || 'a';
    for (const el of document.querySelectorAll('.compare-b-name')) el.textContent = b || 'b';
    const note = byTestId('compare-note');
    if (!answer) note.textContent = a && b ? 'Choose two different models: a and b overlap.' : 'Choose two model versions (or models) to compare their answers over the window.';
    else note.textContent = answer.pairs ? `Pairs stored by shadow runs in the window, whichever of the two served.` : 'No shadow-run pairs of these two in the window.';
    const count = (n) => (n === null ? '—' : format.count(n));
    show('compare-pairs', answer ? answer.pairs : null, count);
    show('compare-agreement', answer ? answer.agreement : null, format.rate);
    for (const s of SENTIMENTS) for (const t of SENTIMENTS) show(`confusion-${s}-${t}`, answer ? answer.confusion[s][t] : null, count);
    for (const [side, stats] of [['a', answer?.a_stats], ['b', answer?.b_stats]]) {
      show(`compare-${side}-confidence`, stats ? stats.mean_confidence : null, format.confidence);
      show(`compare-${side}-p50`, stats ? stats.latency.p50_ms : null, format.ms);
      show(`compare-${side}-p95`, stats ? stats.latency.p95_ms : null, format.ms);
    }
    // What the figures are for, for scripts and tests: "a|b" once they are shown.
    byTestId('compare').dataset.pair = answer ? `${a}|${b}` : '';
  }

  // ---- charts -------------------------------------------------------------------------------

  const charts = {};

  function createCharts() {
    Chart.defaults.animation = false; // redrawn every few seconds: motion would only distract
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    const sentimentSets = () => SENTIMENTS.map((s) => ({ label: s, data: [], backgroundColor: SENTIMENT_COLORS[s] }));

    charts.distribution = new Chart($('#chart-distribution'), {
      type: 'doughnut',
      data: { labels: SENTIMENTS, datasets: [{ data: [0, 0, 0], backgroundColor: SENTIMENTS.map((s) => SENTIMENT_COLORS[s]) }] },
      options: { plugins: { legend: { position: 'right' } } },
    });
    charts.volume = new Chart($('#chart-volume'), {
      type: 'bar',
      data: { labels: [], datasets: sentimentSets() },
      options: {
        scales: { x: { stacked: true, ticks: { maxTicksLimit: 12 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { tooltip: { mode: 'index' } },
      },
    });
    charts.latency = new Chart($('#chart-latency'), {
      type: 'bar',
      data: { labels: ['p50', 'p95', 'p99', 'max'], datasets: [] },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
    });
    charts.confidence = new Chart($('#chart-confidence'), {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        spanGaps: false, // a bucket without predictions has no average: leave a gap
        scales: { x: { ticks: { maxTicksLimit: 12 } }, y: { suggestedMin: 0.5, max: 1 } },
        plugins: { tooltip: { mode: 'index', intersect: false } },
      },
    });
  }

  const versionColor = (i) => VERSION_COLORS[i % VERSION_COLORS.length];

  function renderCharts({ win, distribution, timeseries, perVersion }) {
    const labels = timeseries.points.map((p) => LABEL_FORMATS[win.bucket].format(new Date(p.start)));

    charts.distribution.data.datasets[0].data = SENTIMENTS.map((s) => distribution[s]);

    charts.volume.data.labels = labels;
    charts.volume.data.datasets.forEach((set, i) => {
      set.data = timeseries.points.map((p) => p.counts[SENTIMENTS[i]]);
    });

    charts.latency.data.datasets = perVersion.map(({ version, latency }, i) => ({
      label: version,
      data: [latency.p50_ms, latency.p95_ms, latency.p99_ms, latency.max_ms],
      backgroundColor: versionColor(i),
    }));

    charts.confidence.data.labels = labels;
    charts.confidence.data.datasets = perVersion.map(({ version, timeseries: ts }, i) => ({
      label: version,
      data: ts.points.map((p) => p.avg_confidence),
      borderColor: versionColor(i),
      backgroundColor: versionColor(i),
      pointRadius: 2,
    }));

    for (const chart of Object.values(charts)) chart.update('none');
  }

  // ---- figures and table --------------------------------------------------------------------

  function renderFigures({ win, model, summary, distribution, timeseries, latency }) {
    show('summary-total', summary.total_predictions, format.count);
    show('summary-avg-confidence', summary.avg_confidence, format.confidence);
    show('summary-avg-latency', summary.avg_latency_ms, format.ms);
    show('summary-cache-hit-rate', summary.cache_hit_rate, format.rate);

    for (const s of SENTIMENTS) show(`dist-${s}`, distribution[s], format.count);

    const totals = timeseries.points.map((p) => p.total);
    show('timeseries-total', totals.reduce((a, b) => a + b, 0), format.count);
    show('timeseries-peak', totals.length ? Math.max(...totals) : 0, format.count);
    for (const el of document.querySelectorAll('.bucket-name')) el.textContent = win.bucket;
    for (const el of document.querySelectorAll('.scope')) el.textContent = model || 'all versions';

    show('latency-p50', latency.p50_ms, format.ms);
    show('latency-p95', latency.p95_ms, format.ms);
    show('latency-p99', latency.p99_ms, format.ms);
    show('latency-max', latency.max_ms, format.ms);
    show('latency-count', latency.count, (n) => `${format.count(n)} predictions`);
    byTestId('latency-resolution').textContent = latency.resolution ? `Percentiles: ${latency.resolution}` : '';
  }

  const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

  function renderModels({ models, model }) {
    const body = $('#models-body');
    const rows = models.map((m) => {
      const tr = document.createElement('tr');
      tr.dataset.testid = 'model-row';
      tr.dataset.modelVersion = m.model_version;
      if (m.model_version === model) tr.classList.add('selected');
      const cells = [
        ['model-version', m.model_version],
        ['model-total', format.count(m.total)],
        ...SENTIMENTS.map((s) => [`model-${s}`, format.count(m.counts[s])]),
        ['model-avg-confidence', format.confidence(m.avg_confidence)],
        ['model-avg-latency', format.ms(m.avg_latency_ms)],
        ['model-cache-hit-rate', format.rate(m.cache_hit_rate)],
        ['model-first-seen', TIME.format(new Date(m.first_seen))],
        ['model-last-seen', TIME.format(new Date(m.last_seen))],
      ];
      for (const [testId, text] of cells) {
        const td = document.createElement('td');
        td.dataset.testid = testId;
        td.textContent = text; // model versions are data: never parsed as HTML
        tr.append(td);
      }
      tr.addEventListener('click', () => selectModel(m.model_version === model ? '' : m.model_version));
      return tr;
    });
    if (rows.length === 0) {
      const td = document.createElement('td');
      td.colSpan = 10;
      td.textContent = 'no predictions in this window';
      const tr = document.createElement('tr');
      tr.append(td);
      rows.push(tr);
    }
    body.replaceChildren(...rows);

    // The chosen version stays selectable even when it has no predictions in this window.
    const select = $('#model');
    const names = new Set(models.map((m) => m.model_version));
    if (model) names.add(model);
    select.replaceChildren(new Option('all versions', ''), ...[...names].map((v) => new Option(v, v)));
    select.value = model;
  }

  function renderMeta({ win }) {
    const w = byTestId('window');
    Object.assign(w.dataset, { from: win.from, to: win.to, bucket: win.bucket });
    const f = LABEL_FORMATS[win.bucket];
    w.textContent = `${f.format(new Date(win.from))} – ${f.format(new Date(win.to))}, per ${win.bucket}`;
    const now = new Date();
    const updated = byTestId('updated-at');
    updated.dateTime = now.toISOString();
    updated.textContent = now.toLocaleTimeString();
  }

  // ---- refresh loop -------------------------------------------------------------------------

  let timer;
  /** Bumped by every refresh: an answer that arrives after a newer refresh started is dropped. */
  let generation = 0;
  let refreshes = 0;

  async function refresh() {
    clearTimeout(timer);
    const mine = ++generation;
    const status = byTestId('status');
    try {
      const data = await load();
      if (mine !== generation) return;
      renderMeta(data);
      renderFigures(data);
      renderModels(data);
      renderCompareChoices(data);
      renderComparison(data);
      renderCharts(data);
      status.textContent = '';
      status.classList.remove('error');
      document.body.dataset.state = 'ready';
      document.body.dataset.refreshes = String(++refreshes);
    } catch (err) {
      if (mine !== generation) return;
      // Keep the last good figures on screen; say what failed and that it will try again.
      status.textContent = `Refresh failed (${err instanceof ApiError ? err.message : 'network error'}); retrying in ${REFRESH_MS / 1000} s`;
      status.classList.add('error');
      if (document.body.dataset.state === 'loading') document.body.dataset.state = 'error';
    }
    if (mine === generation) timer = setTimeout(tick, REFRESH_MS);
  }

  // A hidden tab does not poll; it catches up as soon as it is shown again.
  const tick = () => (document.hidden ? (timer = setTimeout(tick, REFRESH_MS)) : void refresh());

  function selectModel(version) {
    $('#model').value = version;
    void refresh();
  }

  createCharts();
  $('#model').addEventListener('change', () => void refresh());
  $('#range').addEventListener('change', () => void refresh());
  $('#filters').addEventListener('submit', (e) => e.preventDefault());
  $('#compare-a').addEventListener('change', () => void refresh());
  $('#compare-b').addEventListener('change', () => void refresh());
  $('#compare-form').addEventListener('submit', (e) => e.preventDefault());
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void refresh();
  });
  void refresh();
})();
