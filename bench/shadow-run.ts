// npm run bench:shadow [-- --per-corpus 500] [--data-dir ../shared/data]
// v1 in shadow of v2 on the dev splits: a stack serving both shipped models, the routing set to shadow every
// routed request with `previous` (v1), the dev texts of every corpus sent through POST /jobs (v2 answers),
// then GET /analytics/compare?a=v2&b=v1 over the stored pairs, printed as the API answers it, with each
// model's accuracy on the gold labels per corpus (from the same pairs) beside it.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CORPORA, loadCorpus } from '../packages/model/src/training/corpora.js';
import { mulberry32, shuffle } from '../packages/model/src/training/prng.js';
import { SENTIMENT_LABELS } from '../packages/model/src/classifier.js';
import { repoRoot, waitFor } from '../test/support/processes.js';
import { getJson, postJson, REGISTRY, startStack } from '../test/support/stack.js';

const { values: args } = parseArgs({
  options: {
    'per-corpus': { type: 'string', default: '500' },
    'data-dir': { type: 'string', default: process.env.SHARED_DATA_DIR ?? path.join(repoRoot, '..', 'shared', 'data') },
  },
});
const perCorpus = Number(args['per-corpus']);
const [V2, V1] = [...REGISTRY.models.keys()] as [string, string];
const ADMIN = { ADMIN_USER: 'bench', ADMIN_PASSWORD: 'bench-password-123' };

const stack = await startStack('shadow', { apiEnv: ADMIN, workerEnv: { SERVE_MODELS: `${V2},${V1}`, INFERENCE_THREADS: '2', LOG_LEVEL: 'warn', CACHE_TTL_S: '0' } });
try {
  await waitFor('both models served', async () => (await getJson(`${stack.url}/models`)).body.models.every((m: { versions: unknown[] }) => m.versions.length > 0), { timeoutMs: 60_000 });
  const put = await fetch(`${stack.url}/admin/routing`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${ADMIN.ADMIN_USER}:${ADMIN.ADMIN_PASSWORD}`).toString('base64')}` },
    body: JSON.stringify({ aliases: { stable: V2, previous: V1 }, split: { stable: 100 }, sticky: 'none', shadow: { model: 'previous', rate: 1 } }),
  });
  if (!put.ok) throw new Error(`PUT /admin/routing: ${put.status} ${await put.text()}`);

  // A seeded sample of `perCorpus` dev texts of each corpus (dev splits are fixed, some sorted by label; no text twice).
  const jobs: Array<{ corpus: string; jobId: string; gold: number[] }> = [];
  let total = 0;
  const started = Date.now();
  for (const spec of CORPORA) {
    const { dev } = await loadCorpus(args['data-dir'], spec.name);
    const seen = new Set<string>();
    const distinct = dev.filter((e) => e.text.trim() !== '' && !seen.has(e.text) && seen.add(e.text));
    const order = shuffle(Int32Array.from(distinct.keys()), mulberry32(7));
    const picked = Array.from(order.subarray(0, perCorpus), (i) => distinct[i]!);
    const res = await postJson(`${stack.url}/jobs`, { texts: picked.map((e) => e.text) });
    if (res.status !== 202) throw new Error(`POST /jobs (${spec.name}): ${res.status} ${JSON.stringify(res.body)}`);
    jobs.push({ corpus: spec.name, jobId: res.body.job_id, gold: picked.map((e) => e.label) });
    total += picked.length;
  }
  await waitFor(`${total} pairs`, async () => {
    const [row] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.model_comparisons');
    return Number(row!.n) >= total;
  }, { timeoutMs: 600_000, intervalMs: 500 });
  const seconds = (Date.now() - started) / 1000;

  const compare = await getJson(`${stack.url}/analytics/compare?a=${V2}&b=${V1}`);
  console.log(`${total} dev texts (${perCorpus} per corpus at most), served by ${V2} and shadowed by ${V1}; every pair stored in ${seconds.toFixed(1)} s\n`);
  console.log(`GET /analytics/compare?a=${V2}&b=${V1}`);
  console.log(JSON.stringify(compare.body, null, 2));

  // Accuracy and macro-recall on the gold labels, from the stored pairs (the answers as users got them:
  // binary SST-2 too, so a neutral answer there is wrong).
  console.log(`\n| corpus | texts | agreement | ${V2} accuracy | ${V1} accuracy | ${V2} macro-recall | ${V1} macro-recall |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const { corpus, jobId, gold } of jobs) {
    const rows = await stack.sql<{ item_index: number; serving_sentiment: string; shadow_sentiment: string }>(
      'select item_index, serving_sentiment, shadow_sentiment from {schema}.model_comparisons where job_id = ?',
      [jobId],
    );
    const right = (side: 'serving_sentiment' | 'shadow_sentiment') => rows.filter((r) => r[side] === SENTIMENT_LABELS[gold[r.item_index]!]).length / rows.length;
    const macroRecall = (side: 'serving_sentiment' | 'shadow_sentiment') => {
      const classes = [...new Set(rows.map((r) => gold[r.item_index]!))];
      const recall = (c: number) => {
        const of = rows.filter((r) => gold[r.item_index] === c);
        return of.filter((r) => r[side] === SENTIMENT_LABELS[c]).length / of.length;
      };
      return classes.reduce((sum, c) => sum + recall(c), 0) / classes.length;
    };
    const agree = rows.filter((r) => r.serving_sentiment === r.shadow_sentiment).length / rows.length;
    const cells = [agree, right('serving_sentiment'), right('shadow_sentiment'), macroRecall('serving_sentiment'), macroRecall('shadow_sentiment')].map((x) => x.toFixed(3));
    console.log(`| ${corpus} | ${rows.length} | ${cells.join(' | ')} |`);
  }
} finally {
  await stack.stop();
}
