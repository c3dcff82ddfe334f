// fault:redis-sentinel [--clients 6] [--after-seconds 10] — Redis Sentinel failover under load.
// Starts a private primary, a replica and three sentinels (quorum 2, down-after 2 s; every server with an
// AOF and a password; the machine's Redis is never touched), the API and one worker pointed at them
// through REDIS_SENTINELS / REDIS_SENTINEL_NAME only (REDIS_URL's host is unresolvable: it gives the
// password and database), and a private Postgres schema. Under /predict and /jobs load with distinct
// texts it SIGKILLs the primary, waits for the sentinels to promote the replica and keeps the load going.
// Checks: every answer was 200/202, or 503 + Retry-After (no 500, no hang); no process restarted; /predict
// answers 200 again after the switch (the API's reply subscription followed it); every accepted job
// completes; every accepted text is stored exactly once in Postgres. Prints a timeline and the counts.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { initOrm, migrateUp } from '@sentiment/db';
import { startSentinelSetup } from '../../test/support/private-sentinel.js';
import { startApp, waitFor, type AppProcess } from '../../test/support/processes.js';
import { freePort, STABLE_MODEL, TEST_DATABASE_URL } from '../../test/support/stack.js';
import { parseArgs } from './lib/args.js';
import { sampleText, startLoad, statusHistogram, type RequestRecord } from './lib/load.js';
import { alive, watchOutput } from './lib/processes.js';
import { checks, runScript } from './lib/run.js';

const args = parseArgs();
const CLIENTS = args.number('clients', 6);
const AFTER_S = args.number('after-seconds', 10);
const NAME = 'faultprimary';
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const DB = 2;
const SYNC_TIMEOUT_MS = 2000;
const JOB_TEXTS = 3;

await runScript('redis-sentinel', 8 * 60_000, async (ctx) => {
  const setup = await startSentinelSetup({ name: NAME, sentinels: 3, quorum: 2, password: PASSWORD, downAfterMs: 2000, failoverTimeoutMs: 10_000 });
  ctx.onCleanup(() => setup.stop());
  const oldPrimary = setup.primary.port;
  ctx.log(`primary :${oldPrimary}, replica :${setup.replica.port}, sentinels ${setup.addresses.map((a) => `:${a.port}`).join(' ')} (${setup.sentinels[0]!.process.child.spawnargs[0]})`);

  const id = randomBytes(4).toString('hex');
  const schema = `fault_sentinel_${id}`;
  const prefix = `fault-sentinel-${id}`;
  const orm = await initOrm({ clientUrl: TEST_DATABASE_URL, schema });
  ctx.onCleanup(async () => {
    await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await orm.close();
  });
  await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
  await migrateUp(orm);
  const sql = <T>(query: string, params: unknown[] = []) => orm.em.getConnection().execute<T[]>(query.replaceAll('{schema}', `"${schema}"`), params);

  const shared = {
    REDIS_URL: `redis://:${PASSWORD}@sentinel-mode.invalid:1/${DB}`,
    REDIS_SENTINELS: setup.addresses.map((a) => `${a.host}:${a.port}`).join(','),
    REDIS_SENTINEL_NAME: NAME,
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    RATE_LIMIT_PER_MINUTE: '0',
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const apps: AppProcess[] = [];
  ctx.onCleanup(() => Promise.all(apps.map((a) => a.stop(5000))));
  ctx.onFailureDiagnostics(() => apps.map((a) => `--- ${a.name} (pid ${a.child.pid})\n${a.output().slice(-4000)}`).join('\n'));
  const api = startApp('api', 'apps/api/src/main.ts', { ...shared, PORT: String(port), HOST: '127.0.0.1', SYNC_TIMEOUT_MS: String(SYNC_TIMEOUT_MS), SHUTDOWN_TIMEOUT_MS: '2000', LOG_LEVEL: 'warn' });
  apps.push(api);
  // Short locks: a job whose completion the old primary took with it is taken over within seconds.
  const worker = startApp('worker-1', 'apps/worker/src/main.ts', { ...shared, INFERENCE_THREADS: '1', SERVE_MODELS: STABLE_MODEL, LOCK_DURATION_MS: '4000', STALLED_INTERVAL_MS: '2000' });
  apps.push(worker);
  const pids = apps.map((a) => a.child.pid);
  await waitFor(
    'the stack to be ready',
    async () => {
      const res = await fetch(`${url}/ready`);
      const body = (await res.json()) as { checks?: { workers?: number } };
      return res.ok && (body.checks?.workers ?? 0) >= 1;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );
  const alarms = apps.map(watchOutput);

  // Every request's texts, by client and request number (distinct texts: a duplicate row is visible).
  const sent = new Map<string, string[]>();
  const textsOf = new Map<RequestRecord, string[]>();
  const seen = new Array<number>(CLIENTS).fill(0);
  const load = startLoad({
    clients: CLIENTS,
    baseUrl: () => url,
    request: (client, i) => {
      const predict = client % 2 === 0;
      const texts = predict ? [sampleText(`sentinel ${id} c${client} r${i}`, i)] : Array.from({ length: JOB_TEXTS }, (_, k) => sampleText(`sentinel ${id} c${client} r${i} t${k}`, i + k));
      sent.set(`${client}:${i}`, texts);
      return predict ? { path: '/predict', body: { text: texts[0] }, texts: 1 } : { path: '/jobs', body: { texts }, texts: JOB_TEXTS };
    },
    onRecord: (r) => textsOf.set(r, sent.get(`${r.client}:${seen[r.client]!++}`)!),
    timeoutMs: 15_000,
    pauseAfterErrorMs: 100,
    pauseMs: 20,
  });
  ctx.onCleanup(() => load.stop());
  const startedAt = Date.now();

  await delay(6000);
  const killAt = Date.now();
  await setup.primary.process.kill('SIGKILL');
  ctx.log(`SIGKILL primary :${oldPrimary}`);
  let promotedAt = 0;
  let newPrimary = 0;
  await waitFor(
    'the sentinels to promote the replica',
    async () => {
      newPrimary = await setup.masterPort();
      if (newPrimary === oldPrimary) return false;
      promotedAt = Date.now();
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  ctx.log(`sentinels name :${newPrimary} the primary, ${promotedAt - killAt} ms after the kill`);
  await delay(AFTER_S * 1000);
  await load.stop();
  const stoppedAt = Date.now();

  // Every accepted request: its texts, and the job that holds them (200s of /predict carry a prediction id).
  const records = load.records;
  const accepted = records.filter((r) => r.status === 200 || r.status === 202);
  const jobIds = accepted.filter((r) => r.status === 202).map((r) => r.body.job_id as string);
  const outcomes = new Map<string, string>();
  await waitFor(
    'every accepted job to finish',
    async () => {
      for (const jobId of jobIds) {
        if (outcomes.get(jobId) === 'completed' || outcomes.get(jobId) === 'failed') continue;
        const res = await fetch(`${url}/jobs/${jobId}`);
        outcomes.set(jobId, res.status === 404 ? 'unknown (404)' : ((await res.json()) as { status: string }).status);
      }
      return [...outcomes.values()].every((s) => s === 'completed' || s === 'failed' || s === 'unknown (404)') && outcomes.size === jobIds.length;
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  ).catch((err: Error) => ctx.log(err.message));
  const outcomeCounts = new Map<string, number>();
  for (const s of outcomes.values()) outcomeCounts.set(s, (outcomeCounts.get(s) ?? 0) + 1);

  const acceptedTexts = accepted.flatMap((r) => textsOf.get(r)!);
  const stored = new Map<string, number>();
  for (let i = 0; i < acceptedTexts.length; i += 2000) {
    const rows = await sql<{ input_text: string; n: string }>('select input_text, count(*) as n from {schema}.predictions where input_text in (?) group by input_text', [acceptedTexts.slice(i, i + 2000)]);
    for (const row of rows) stored.set(row.input_text, Number(row.n));
  }
  const missing = acceptedTexts.filter((t) => !stored.has(t));
  const duplicated = acceptedTexts.filter((t) => (stored.get(t) ?? 0) > 1);
  const [totals] = await sql<{ n: string; texts: string }>('select count(*) as n, count(distinct input_text) as texts from {schema}.predictions');
  const rowsTotal = Number(totals!.n);
  const refusedStored = rowsTotal - acceptedTexts.filter((t) => stored.has(t)).length - duplicated.reduce((a, t) => a + stored.get(t)! - 1, 0);

  const answered = (r: RequestRecord) => r.status === 200 || r.status === 202 || (r.status === 503 && r.retryAfter !== null && typeof r.body?.error?.code === 'string');
  const bad = records.filter((r) => !answered(r));
  const firstOk = records.filter((r) => (r.status === 200 || r.status === 202) && r.start >= killAt).sort((a, b) => a.end - b.end)[0];
  const firstOkPredict = records.filter((r) => r.path === '/predict' && r.status === 200 && r.start >= killAt).sort((a, b) => a.end - b.end)[0];
  const settled = records.filter((r) => r.start >= promotedAt + 5000);
  const settledPredict = settled.filter((r) => r.path === '/predict');
  const during = records.filter((r) => r.end >= killAt && r.start < (firstOk?.end ?? stoppedAt));
  const t = (ms: number) => `${((ms - startedAt) / 1000).toFixed(1)} s`;

  const from = killAt - 2000;
  for (let s = from; s < Math.min(stoppedAt, promotedAt + 6000); s += 1000) {
    const bucket = records.filter((r) => r.start >= s && r.start < s + 1000);
    const phase = s + 1000 <= killAt ? 'up      ' : s < promotedAt ? 'NO-PRIME' : 'promoted';
    ctx.log(`timeline ${((s - killAt) / 1000).toFixed(0).padStart(3)} s ${phase} started ${String(bucket.length).padStart(4)}: ${statusHistogram(bucket)}; slowest ${Math.max(0, ...bucket.map((r) => r.end - r.start))} ms`);
  }
  ctx.log(`timeline: load from 0 s, primary killed at ${t(killAt)}, new primary named at ${t(promotedAt)} (+${promotedAt - killAt} ms), ` +
      `first accepted request after the kill answered at ${firstOk ? `${t(firstOk.end)} (+${firstOk.end - killAt} ms)` : 'never'}, first /predict 200 at ${firstOkPredict ? `+${firstOkPredict.end - killAt} ms` : 'never'}`);
  ctx.log(`requests ${records.length}: ${statusHistogram(records)}; during the switch ${during.length}: ${statusHistogram(during)}; from 5 s after the promotion ${settled.length}: ${statusHistogram(settled)}`);
  ctx.log(`accepted: ${accepted.length} requests (${acceptedTexts.length} texts), ${jobIds.length} of them 202 with a job id: ${[...outcomeCounts].map(([k, n]) => `${k}×${n}`).join(' ')}`);
  ctx.log(`rows: expected ${acceptedTexts.length}, stored ${acceptedTexts.length - missing.length} distinct accepted texts, missing ${missing.length}, duplicated ${duplicated.length}; table total ${rowsTotal} (${refusedStored} rows of refused requests whose job had been queued)`);

  const c = checks();
  c.expect(newPrimary === setup.replica.port, `the sentinels named :${newPrimary}, not the replica :${setup.replica.port}`);
  c.expect(bad.length === 0, `${bad.length} answers were neither 200/202 nor 503 + Retry-After (${statusHistogram(bad)}; e.g. ${JSON.stringify(bad[0]?.body ?? bad[0]?.error)})`);
  const slow = records.filter((r) => r.end - r.start > SYNC_TIMEOUT_MS + 1000);
  c.expect(slow.length === 0, `${slow.length} requests took longer than ${SYNC_TIMEOUT_MS + 1000} ms (max ${Math.max(0, ...slow.map((r) => r.end - r.start))} ms)`);
  c.expect(settled.length > 0 && settled.every((r) => r.status === 200 || r.status === 202), `from 5 s after the promotion: ${statusHistogram(settled)}`);
  c.expect(settledPredict.length > 0 && settledPredict.every((r) => r.status === 200), `/predict from 5 s after the promotion (replies through the re-subscribed channel): ${statusHistogram(settledPredict)}`);
  c.expect(apps.every(alive) && apps.every((a, i) => a.child.pid === pids[i]), `a process died or restarted: ${apps.filter((a) => !alive(a)).map((a) => a.name).join(', ')}`);
  c.expect([...outcomes.values()].every((s) => s === 'completed') && outcomes.size === jobIds.length, `accepted jobs not completed: ${[...outcomeCounts].filter(([k]) => k !== 'completed').map(([k, n]) => `${k}×${n}`).join(' ') || `${jobIds.length - outcomes.size} unpolled`}`);
  c.expect(missing.length === 0, `${missing.length} accepted texts not stored (e.g. ${JSON.stringify(missing[0])})`);
  c.expect(duplicated.length === 0, `${duplicated.length} accepted texts stored more than once (e.g. ${JSON.stringify(duplicated[0])})`);
  c.expect(rowsTotal === Number(totals!.texts), `${rowsTotal - Number(totals!.texts)} duplicate rows in the table`);
  const alarming = alarms.flat();
  c.expect(alarming.length === 0, `alarming output: ${alarming.slice(0, 3).join(' | ')}`);
  return c.verdict(
    `failover :${oldPrimary} → :${newPrimary} in ${promotedAt - killAt} ms, first accepted request +${firstOk ? firstOk.end - killAt : '∞'} ms after the kill; ` +
      `requests ${records.length} (${statusHistogram(records)}), during the switch ${statusHistogram(during)}, slowest ${Math.max(0, ...records.map((r) => r.end - r.start))} ms; accepted texts ${acceptedTexts.length}, stored once ${acceptedTexts.length - missing.length - duplicated.length}, missing ${missing.length}, duplicated ${duplicated.length}; ` +
      `processes alive ${apps.filter(alive).length}/${apps.length}, no restarts`,
  );
});
