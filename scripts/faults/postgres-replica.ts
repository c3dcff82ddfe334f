// fault:postgres-replica — analytics off a real streaming replica, and what happens when it dies.
// Builds a private primary (initdb on a free port) and a streaming replica of it (pg_basebackup -R, on
// another port), runs the API with DATABASE_URL=primary and ANALYTICS_DATABASE_URL=replica and a worker
// writing to the primary, then checks:
//   1. rows written on the primary appear in /analytics/* answered by the replica (metrics target="replica"),
//      /ready says replica ok with its lag, /metrics has the lag and replica_up 1;
//   2. replay paused (pg_wal_replay_pause) while rows are written: past ANALYTICS_MAX_LAG_S (3 s here) /ready
//      says replica lagging (degraded) and analytics are read from the primary, fresh; replay resumed: ok again;
//   3. replica stopped (pg_ctl stop -m immediate): every /analytics/* still answers 200, from the primary,
//      promptly; /ready stays 200, degraded, replica down; predictions go on;
//   4. replica restarted: it catches up (the rows written meanwhile) and serves analytics again.
// The machine's own Postgres is never touched; both clusters are deleted on exit.
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { waitFor } from '../../test/support/processes.js';
import { postJson } from '../../test/support/stack.js';
import { startStreamingReplica } from '../../test/support/streaming-replica.js';
import { alive, startWatchedStack } from './lib/processes.js';
import { checks, runScript } from './lib/run.js';

const ANALYTICS = ['/analytics/summary', '/analytics/sentiment-distribution', '/analytics/recent?limit=5', '/analytics/timeseries?bucket=minute', '/analytics/latency', '/analytics/models'];
/** Small, so that pausing replay makes the replica "lagging" within seconds. */
const MAX_LAG_S = 3;
/** A request sent while the replica is gone must not wait on it: refused at once, or cut off by the health check. */
const FALLBACK_BOUND_MS = 5000;

interface Ready {
  status: number;
  body: { status?: string; checks?: { postgres?: string; replica?: string; replica_lag_s?: number | null }; problems?: string[] };
}

await runScript('postgres-replica', 180_000, async (ctx) => {
  const servers = await startStreamingReplica();
  ctx.onCleanup(() => servers.destroy());
  ctx.log(`primary ${servers.primary.url}, streaming replica ${servers.replica.url} (pg_basebackup -R)`);

  const { stack, alarms } = await startWatchedStack(ctx, 'replica', {
    workers: 1,
    databaseUrl: servers.primary.url,
    apiEnv: { ANALYTICS_DATABASE_URL: servers.replica.url, ANALYTICS_MAX_LAG_S: String(MAX_LAG_S), LOG_LEVEL: 'warn' },
    workerEnv: { LOG_LEVEL: 'warn' },
  });
  ctx.log(`stack up: API ${stack.url}, schema ${stack.schema} migrated on the primary`);

  const get = async (path: string) => {
    const started = Date.now();
    const res = await fetch(`${stack.url}${path}`, { signal: AbortSignal.timeout(20_000) });
    return { status: res.status, body: (await res.json()) as { total_predictions?: number }, ms: Date.now() - started };
  };
  const ready = async (): Promise<Ready> => {
    const res = await fetch(`${stack.url}/ready`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: (await res.json()) as Ready['body'] };
  };
  const metric = async (name: string, labels = '') => {
    const text = await (await fetch(`${stack.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  const served = async () => ({
    replica: (await metric('sentiment_analytics_queries_total', '{target="replica"}')) ?? 0,
    primary: (await metric('sentiment_analytics_queries_total', '{target="primary"}')) ?? 0,
  });
  const write = async (n: number, tag: string) => {
    const res = await postJson(`${stack.url}/batch`, { texts: Array.from({ length: n }, (_, i) => `${tag} text ${i}: ${i % 2 ? 'a wonderful day' : 'an awful mess'}`) });
    if (res.status !== 200) throw new Error(`POST /batch answered ${res.status}: ${JSON.stringify(res.body)}`);
  };
  const onReplica = async <T = unknown>(sql: string): Promise<T> => {
    const c = new pg.Client({ connectionString: servers.replica.url });
    await c.connect();
    try {
      return (await c.query(sql)).rows[0] as T;
    } finally {
      await c.end();
    }
  };
  const replicaRows = async () => Number((await onReplica<{ n: string }>(`select count(*) as n from "${stack.schema}".predictions`)).n);
  const c = checks();

  // 1. Analytics from the replica.
  await waitFor('/ready: replica ok', async () => (await ready()).body.checks?.replica === 'ok', { timeoutMs: 20_000, intervalMs: 200 });
  await write(40, 'before');
  const total1 = await waitFor('the 40 rows on the replica', async () => ((await get('/analytics/summary')).body.total_predictions === 40 ? 40 : false), { timeoutMs: 20_000, intervalMs: 100 });
  const before1 = await served();
  const answers1 = await Promise.all(ANALYTICS.map(get));
  const after1 = await served();
  const ready1 = await ready();
  const lagMetric1 = await metric('sentiment_analytics_replica_lag_seconds');
  const up1 = await metric('sentiment_analytics_replica_up');
  const onReplica1 = await replicaRows();
  ctx.log(
    `phase 1 (replica up): ${total1} rows in /analytics/summary; ${ANALYTICS.length} analytics answers, target=replica +${after1.replica - before1.replica}, target=primary +${after1.primary - before1.primary}; ` +
      `/ready ${ready1.status} ${ready1.body.status} replica=${ready1.body.checks?.replica} lag=${ready1.body.checks?.replica_lag_s} s; metrics lag=${lagMetric1} up=${up1}; rows on the replica ${onReplica1}`,
  );
  c.expect(answers1.every((a) => a.status === 200), `phase 1: analytics not all 200 (${answers1.map((a) => a.status).join(',')})`);
  c.expect(after1.replica - before1.replica === ANALYTICS.length && after1.primary === before1.primary, `phase 1: not every analytics answer came from the replica (replica +${after1.replica - before1.replica}, primary +${after1.primary - before1.primary})`);
  c.expect(ready1.status === 200 && ready1.body.checks?.replica === 'ok' && typeof ready1.body.checks?.replica_lag_s === 'number', `phase 1: /ready ${ready1.status} ${JSON.stringify(ready1.body.checks)}`);
  c.expect(typeof lagMetric1 === 'number' && up1 === 1, `phase 1: metrics lag=${lagMetric1} up=${up1}`);
  c.expect(onReplica1 === 40, `phase 1: the replica holds ${onReplica1} rows, not 40`);

  // 2. Replay paused: the replica falls behind; past ANALYTICS_MAX_LAG_S analytics are read from the primary.
  await onReplica('select pg_wal_replay_pause()');
  await write(10, 'paused');
  const readyL = await waitFor('/ready: replica lagging', async () => {
    const r = await ready();
    return r.body.checks?.replica === 'lagging' ? r : false;
  }, { timeoutMs: 20_000, intervalMs: 200 });
  const beforeL = await served();
  const summaryL = await get('/analytics/summary');
  const afterL = await served();
  const lagMetricL = await metric('sentiment_analytics_replica_lag_seconds');
  const staleOnReplica = await replicaRows();
  await onReplica('select pg_wal_replay_resume()');
  const readyL2 = await waitFor('/ready: replica ok after replay resumed', async () => {
    const r = await ready();
    return r.body.checks?.replica === 'ok' ? r : false;
  }, { timeoutMs: 20_000, intervalMs: 200 });
  ctx.log(
    `phase 2 (replay paused, ANALYTICS_MAX_LAG_S=${MAX_LAG_S}): /ready ${readyL.status} ${readyL.body.status} replica=lagging lag=${readyL.body.checks?.replica_lag_s} s, problems ${JSON.stringify(readyL.body.problems?.filter((p) => p.startsWith('replica')))}; ` +
      `/analytics/summary ${summaryL.body.total_predictions} rows (the replica holds ${staleOnReplica}) from target=primary +${afterL.primary - beforeL.primary}; metrics lag=${lagMetricL}; replay resumed: replica=ok lag=${readyL2.body.checks?.replica_lag_s} s`,
  );
  c.expect(readyL.status === 200 && readyL.body.status === 'degraded', `phase 2: /ready ${readyL.status} ${readyL.body.status} while lagging`);
  c.expect((readyL.body.problems ?? []).some((p) => /^replica: [\d.]+ s behind the primary/.test(p)), 'phase 2: /ready names no lag problem');
  c.expect(summaryL.body.total_predictions === 50 && afterL.primary - beforeL.primary === 1 && afterL.replica === beforeL.replica, `phase 2: a lagging replica answered, or stale rows (${summaryL.body.total_predictions})`);
  c.expect(staleOnReplica === 40, `phase 2: the paused replica holds ${staleOnReplica} rows, expected 40 (replay paused)`);
  c.expect(typeof lagMetricL === 'number' && lagMetricL > MAX_LAG_S, `phase 2: metrics lag ${lagMetricL}`);

  // 3. Replica crashed.
  await servers.replica.stop('immediate');
  const downAt = Date.now();
  ctx.log('replica stopped (pg_ctl stop -m immediate)');
  const before2 = await served();
  const answers2 = await Promise.all(ANALYTICS.map(get)); // sent at once: the first may still try the replica
  const slowest2 = Math.max(...answers2.map((a) => a.ms));
  await write(20, 'during');
  const total2 = (await get('/analytics/summary')).body.total_predictions as number;
  const ready2 = await waitFor('/ready: replica down', async () => {
    const r = await ready();
    return r.body.checks?.replica === 'down' ? r : false;
  }, { timeoutMs: 10_000, intervalMs: 200 });
  const detectedMs = Date.now() - downAt;
  const after2 = await served();
  const up2 = await metric('sentiment_analytics_replica_up');
  const lagMetric2 = await metric('sentiment_analytics_replica_lag_seconds');
  ctx.log(
    `phase 3 (replica down): ${ANALYTICS.length} analytics answers ${answers2.map((a) => a.status).join(',')}, slowest ${slowest2} ms; after 20 more rows /analytics/summary says ${total2}; ` +
      `target=primary +${after2.primary - before2.primary}, target=replica +${after2.replica - before2.replica}; /ready ${ready2.status} ${ready2.body.status} replica=${ready2.body.checks?.replica} ` +
      `(within ${detectedMs} ms) problems: ${JSON.stringify(ready2.body.problems)}; metrics up=${up2} lag=${lagMetric2 ?? 'absent'}`,
  );
  c.expect(answers2.every((a) => a.status === 200), `phase 3: analytics not all 200 with the replica down (${answers2.map((a) => a.status).join(',')})`);
  c.expect(slowest2 < FALLBACK_BOUND_MS, `phase 3: an analytics answer took ${slowest2} ms with the replica down`);
  c.expect(total2 === 70, `phase 3: /analytics/summary says ${total2} rows, the primary holds 70`);
  c.expect(after2.primary - before2.primary >= ANALYTICS.length + 1 && after2.replica === before2.replica, `phase 3: answers not from the primary (primary +${after2.primary - before2.primary}, replica +${after2.replica - before2.replica})`);
  c.expect(ready2.status === 200 && ready2.body.status === 'degraded' && ready2.body.checks?.postgres === 'ok', `phase 3: /ready ${ready2.status} ${ready2.body.status}`);
  c.expect((ready2.body.problems ?? []).some((p) => p.startsWith('replica: ')), 'phase 3: /ready names no replica problem');
  c.expect(up2 === 0 && lagMetric2 === undefined, `phase 3: metrics up=${up2} lag=${lagMetric2}`);

  // 4. Replica back: catches up, serves again.
  await delay(1000);
  await servers.replica.start();
  const backAt = Date.now();
  ctx.log('replica started again');
  const ready3 = await waitFor('/ready: replica ok again', async () => {
    const r = await ready();
    return r.body.checks?.replica === 'ok' ? r : false;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  const servingMs = Date.now() - backAt;
  const onReplica3 = await waitFor('the replica to hold all 70 rows', async () => ((await replicaRows()) === 70 ? 70 : false), { timeoutMs: 20_000, intervalMs: 200 });
  const before3 = await served();
  const summary3 = await get('/analytics/summary');
  const after3 = await served();
  const lagMetric3 = await metric('sentiment_analytics_replica_lag_seconds');
  ctx.log(
    `phase 4 (replica back): /ready replica=ok lag=${ready3.body.checks?.replica_lag_s} s ${servingMs} ms after the start; replica holds ${onReplica3} rows; ` +
      `/analytics/summary ${summary3.body.total_predictions} rows from target=replica +${after3.replica - before3.replica}; metrics lag=${lagMetric3}`,
  );
  c.expect(summary3.status === 200 && summary3.body.total_predictions === 70, `phase 4: /analytics/summary ${summary3.status} ${summary3.body.total_predictions}`);
  c.expect(after3.replica - before3.replica === 1, 'phase 4: the summary was not answered by the replica');
  c.expect(ready3.status === 200, `phase 4: /ready ${ready3.status}`);
  c.expect(stack.workers.every(alive) && alive(stack.api), 'a process died');
  c.expect(alarms().length === 0, `alarming output: ${alarms().slice(0, 3).join(' | ')}`);

  return c.verdict(
    `replica served ${after1.replica - before1.replica}/${ANALYTICS.length} analytics answers (lag ${ready1.body.checks?.replica_lag_s} s); ` +
      `replay paused: lagging at ${readyL.body.checks?.replica_lag_s} s > ${MAX_LAG_S} s, summary from the primary (${summaryL.body.total_predictions} rows, replica ${staleOnReplica}); ` +
      `replica down: ${answers2.filter((a) => a.status === 200).length}/${ANALYTICS.length} answered 200 by the primary (slowest ${slowest2} ms), /ready degraded replica=down within ${detectedMs} ms; ` +
      `replica back: serving again after ${servingMs} ms, caught up ${onReplica3}/70 rows`,
  );
});
