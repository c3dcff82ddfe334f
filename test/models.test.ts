// Several model versions at once, end to end: one worker serving both shipped models, the API routing
// between them, shadow runs stored for comparison, and a rollout under load.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@sentiment/client';
import { runCli } from './support/cli.js';
import { repoRoot, waitFor } from './support/processes.js';
import { getJson, postJson, REGISTRY, startStack, type Stack } from './support/stack.js';

const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'correct horse battery' };
const basic = `Basic ${Buffer.from(`${ADMIN.ADMIN_USER}:${ADMIN.ADMIN_PASSWORD}`).toString('base64')}`;
const [V2, V1] = [...REGISTRY.models.keys()] as [string, string];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('models', { apiEnv: ADMIN, workerEnv: { SERVE_MODELS: `${V2},${V1}` } });
  // The API reads the served versions every second.
  await waitFor('both models served', async () => (await getJson(`${stack.url}/models`)).body.models.every((m: { versions: unknown[] }) => m.versions.length > 0));
});
afterAll(async () => {
  await stack?.stop();
});

const tag = () => randomBytes(4).toString('hex');
async function setRouting(routing: unknown) {
  const res = await fetch(`${stack.url}/admin/routing`, { method: 'PUT', headers: { authorization: basic, 'content-type': 'application/json' }, body: JSON.stringify(routing) });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}
const resetRouting = () => fetch(`${stack.url}/admin/routing`, { method: 'DELETE', headers: { authorization: basic } });

/** Polls a 202'd job until it completes; its predictions. */
async function resultOf(jobId: string): Promise<Array<{ id: string; model_version: string; sentiment: string }>> {
  return waitFor(`job ${jobId}`, async () => {
    const res = await getJson(`${stack.url}/jobs/${jobId}`);
    if (res.body.status === 'failed') throw new Error(`job ${jobId} failed: ${JSON.stringify(res.body)}`);
    return res.body.status === 'completed' ? res.body.result.predictions : undefined;
  }, { timeoutMs: 60_000 });
}

describe('two shipped models in one deployment', () => {
  it('GET /models shows both, with the versions the worker loaded', async () => {
    const { body } = await getJson(`${stack.url}/models`);
    expect(body.models.map((m: { name: string; aliases: string[]; versions: Array<{ version: string; workers: number }> }) => [m.name, m.aliases, m.versions[0]!.workers])).toEqual([
      [V2, ['stable'], 1],
      [V1, ['previous'], 1],
    ]);
    expect(body.models[0].versions[0].version).toMatch(new RegExp(`^${V2}\\+[0-9a-f]{8}$`));
  });

  it('answers with v2 by default and v1 when pinned; each keeps its own cache entries', async () => {
    const text = `The package arrived on Tuesday. ${tag()}`;
    const v2 = await postJson(`${stack.url}/predict`, { text });
    const v1 = await postJson(`${stack.url}/predict`, { text, model: 'previous' });
    expect(v2.body.model_version.startsWith(`${V2}+`)).toBe(true);
    expect(v1.body.model_version.startsWith(`${V1}+`)).toBe(true);
    expect([v2.body.cache_hit, v1.body.cache_hit]).toEqual([false, false]);
    // Asked again: each version answers from its own cache, never the other's answer.
    const again = await Promise.all([postJson(`${stack.url}/predict`, { text, model: V2 }), postJson(`${stack.url}/predict`, { text, model: v1.body.model_version })]);
    expect(again.map((r) => [r.body.model_version, r.body.sentiment, r.body.confidence, r.body.cache_hit])).toEqual([
      [v2.body.model_version, v2.body.sentiment, v2.body.confidence, true],
      [v1.body.model_version, v1.body.sentiment, v1.body.confidence, true],
    ]);
  });

  it('the typed client and the CLI pin a model too, and the client lists the models', async () => {
    const client = createClient({ baseUrl: stack.url });
    const catalog = await client.models();
    expect(catalog.models.map((m) => m.name)).toEqual([V2, V1]);
    expect((await client.predict(`pinned by the client ${tag()}`, { model: 'previous' })).model_version.startsWith(`${V1}+`)).toBe(true);
    const job = await client.submit([`a job for v1 ${tag()}`], { model: V1 });
    expect((await client.waitFor(job.job_id)).result.predictions[0]!.model_version.startsWith(`${V1}+`)).toBe(true);
    const cli = await runCli(['predict', '--model', 'previous', `pinned by the CLI ${tag()}`], { SENTIMENT_URL: stack.url });
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).model_version.startsWith(`${V1}+`)).toBe(true);
    const unknown = await runCli(['predict', '--model', 'nope', 'text'], { SENTIMENT_URL: stack.url });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown_model|no model, alias or served version "nope"/);
  });

  it('a neutral statement is neutral by v2 (three classes), whatever v1 says', async () => {
    const res = await postJson(`${stack.url}/predict`, { text: 'The package arrived on Tuesday.', model: 'stable' });
    expect(res.body.sentiment).toBe('neutral');
  });
});

describe('shadow runs', () => {
  afterAll(async () => {
    await resetRouting();
  });

  it('stores v1\'s answers beside v2\'s for every shadowed text, outside the serving analytics, and /analytics/compare sums them', async () => {
    const before = (await getJson(`${stack.url}/analytics/summary`)).body.total_predictions;
    await setRouting({ aliases: { stable: V2, previous: V1 }, split: { stable: 100 }, sticky: 'client', shadow: { model: 'previous', rate: 1 } });
    const texts = Array.from({ length: 300 }, (_, i) => `shadowed review ${i} ${tag()}: ${i % 3 === 0 ? 'loved it' : i % 3 === 1 ? 'awful' : 'it is a film'}`);
    const batch = await postJson(`${stack.url}/batch`, { texts: texts.slice(0, 50) });
    expect(batch.status).toBe(200);
    expect(batch.body.predictions.every((p: { model_version: string }) => p.model_version.startsWith(`${V2}+`))).toBe(true);
    const job = await postJson(`${stack.url}/jobs`, { texts: texts.slice(50) });
    const served = await resultOf(job.body.job_id);

    const pairs = await waitFor('300 comparison rows', async () => {
      const rows = await stack.sql<{ n: string }>('select count(*) as n from {schema}.model_comparisons');
      return Number(rows[0]!.n) >= 300 ? Number(rows[0]!.n) : undefined;
    }, { timeoutMs: 60_000 });
    expect(pairs).toBe(300);
    // The serving rows only: no v1 row in predictions, and the summary counts each text once.
    const [{ n: v1Rows }] = await stack.sql<{ n: string }>(`select count(*) as n from {schema}.predictions where model_version like '${V1}+%' and job_id = ?`, [job.body.job_id]);
    expect(Number(v1Rows)).toBe(0);
    expect((await getJson(`${stack.url}/analytics/summary`)).body.total_predictions).toBe(before + 300);
    // Each pair matches the serving answer the caller got.
    const stored = await stack.sql<{ item_index: number; serving_sentiment: string; shadow_version: string }>(
      'select item_index, serving_sentiment, shadow_version from {schema}.model_comparisons where job_id = ? order by item_index',
      [job.body.job_id],
    );
    expect(stored.map((r) => r.serving_sentiment)).toEqual(served.map((p) => p.sentiment));
    expect(new Set(stored.map((r) => r.shadow_version.split('+')[0]))).toEqual(new Set([V1]));

    const compare = await getJson(`${stack.url}/analytics/compare?a=${V2}&b=${V1}`);
    expect(compare.status).toBe(200);
    const [sql] = await stack.sql<{ n: string; agree: string }>('select count(*) as n, count(*) filter (where serving_sentiment = shadow_sentiment) as agree from {schema}.model_comparisons');
    expect(compare.body.pairs).toBe(Number(sql!.n));
    expect(compare.body.agreement).toBeCloseTo(Number(sql!.agree) / Number(sql!.n), 12);
  });
});

describe('rollout under load', () => {
  afterAll(async () => {
    await resetRouting();
  });

  it('moves stable from v2 to v1 while requests flow: nothing dropped, nothing stored twice, no job mixes versions', async () => {
    await setRouting({ aliases: { stable: V2, previous: V1 }, split: { stable: 100 }, sticky: 'none' });
    const accepted: Array<{ jobId: string; texts: number; sentAt: number }> = [];
    let flippedAt = Number.POSITIVE_INFINITY;
    const started = Date.now();
    let n = 0;
    const client = async () => {
      while (Date.now() - started < 6000) {
        const texts = Array.from({ length: 8 }, (_, i) => `rollout text ${n++} ${i} ${tag()}`);
        const sentAt = Date.now();
        const res = await postJson(`${stack.url}/batch?async=true`, { texts });
        expect(res.status).toBe(202);
        accepted.push({ jobId: res.body.job_id, texts: texts.length, sentAt });
      }
    };
    const flip = (async () => {
      await new Promise((r) => setTimeout(r, 2000));
      await setRouting({ aliases: { stable: V1, previous: V2 }, split: { stable: 100 }, sticky: 'none' });
      flippedAt = Date.now();
    })();
    await Promise.all([client(), client(), client(), flip]);

    const results = await Promise.all(accepted.map((a) => resultOf(a.jobId)));
    const total = accepted.reduce((sum, a) => sum + a.texts, 0);
    const ids = accepted.map((a) => a.jobId);
    const rows = await waitFor(`${total} rows`, async () => {
      const r = await stack.sql<{ job_id: string; n: string; versions: string }>(
        'select job_id, count(*) as n, count(distinct model_version) as versions from {schema}.predictions where job_id in (?) group by job_id',
        [ids],
      );
      return r.reduce((sum, x) => sum + Number(x.n), 0) >= total ? r : undefined;
    });
    expect(rows).toHaveLength(accepted.length);
    expect(rows.every((r) => Number(r.versions) === 1)).toBe(true);
    expect(rows.reduce((sum, r) => sum + Number(r.n), 0)).toBe(total);
    // Before the flip v2 answered; well after it (the API instance follows at once), v1.
    const answeredBy = (i: number) => results[i]![0]!.model_version.split('+')[0];
    const early = accepted.map((a, i) => [a, i] as const).filter(([a]) => a.sentAt < started + 1500);
    const late = accepted.map((a, i) => [a, i] as const).filter(([a]) => a.sentAt > flippedAt + 100);
    expect(early.length).toBeGreaterThan(0);
    expect(late.length).toBeGreaterThan(0);
    expect(early.every(([, i]) => answeredBy(i) === V2)).toBe(true);
    expect(late.every(([, i]) => answeredBy(i) === V1)).toBe(true);
  });
});

describe('retiring a model (npm run models:retire)', () => {
  afterAll(async () => {
    await resetRouting();
  });

  it('lets its queued jobs finish, then says so; meanwhile it takes no new job', async () => {
    // Traffic off it first: no alias, split or shadow may point at it (the command checks).
    await setRouting({ aliases: { stable: V2 }, split: { stable: 100 } });
    const job = await postJson(`${stack.url}/jobs`, { texts: Array.from({ length: 400 }, (_, i) => `queued before retiring ${i} ${tag()}`), model: V1 });
    expect(job.status).toBe(202);
    const env = { ...process.env, REDIS_URL: stack.redisUrl, QUEUE_PREFIX: stack.prefix };
    const run = promisify(execFile)('npx', ['tsx', 'scripts/retire-model.ts', V1, '--timeout-s', '120'], { cwd: repoRoot, env });
    await waitFor('v1 marked retired', async () => (await getJson(`${stack.url}/models`)).body.models[1].retired === true);
    const refused = await postJson(`${stack.url}/predict`, { text: 'too late', model: V1 });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('model_unavailable');
    const { stdout } = await run;
    expect(stdout).toMatch(new RegExp(`${V1}: queue empty; stop its workers now`));
    expect(stdout).not.toMatch(/failed with/);
    expect((await resultOf(job.body.job_id)).length).toBe(400);

    await promisify(execFile)('npx', ['tsx', 'scripts/retire-model.ts', V1, '--undo'], { cwd: repoRoot, env });
    await waitFor('v1 back in service', async () => (await postJson(`${stack.url}/predict`, { text: 'welcome back', model: V1 })).status === 200);
  });
});
