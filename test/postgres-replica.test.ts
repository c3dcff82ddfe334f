// ANALYTICS_DATABASE_URL against a real streaming replica (pg_basebackup -R of a private primary): the
// API process reads analytics from it, falls back to the primary while it is stopped, and serves from it
// again once restarted. The longer walk-through with a worker, lag and timings: npm run fault:postgres-replica.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startStack, type Stack } from './support/stack.js';
import { waitFor } from './support/processes.js';
import { startStreamingReplica, type StreamingReplica } from './support/streaming-replica.js';

let servers: StreamingReplica | undefined;
let stack: Stack | undefined;

beforeAll(async () => {
  servers = await startStreamingReplica();
  // No worker: rows are written by SQL on the primary (the API alone is what is tested here).
  stack = await startStack('replica', { workers: 0, databaseUrl: servers.primary.url, apiEnv: { ANALYTICS_DATABASE_URL: servers.replica.url } });
});
afterAll(async () => {
  await stack?.stop();
  await servers?.destroy();
});

const insertRows = (n: number) =>
  stack!.sql(
    `insert into {schema}.predictions (id, "timestamp", predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index)
     select gen_random_uuid(), now(), 'positive', 0.9, 2, 'replica-e2e', false, gen_random_uuid()::text, i from generate_series(1, ${n}) i`,
  );

async function served(): Promise<{ replica: number; primary: number }> {
  const text = await (await fetch(`${stack!.url}/metrics`)).text();
  const value = (target: string) => Number(new RegExp(`^sentiment_analytics_queries_total\\{target="${target}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { replica: value('replica'), primary: value('primary') };
}

const replicaCheck = async () => (await getJson(`${stack!.url}/ready`)).body.checks as { replica: string; replica_lag_s: number | null };

describe('analytics off a streaming replica', () => {
  it('rows written on the primary are answered by the replica, with its lag in /ready', async () => {
    await waitFor('replica ok', async () => (await replicaCheck()).replica === 'ok', { timeoutMs: 20_000 });
    await insertRows(25);
    await waitFor('the rows on the replica', async () => (await getJson(`${stack!.url}/analytics/summary`)).body.total_predictions === 25, { timeoutMs: 20_000 });
    const before = await served();
    const res = await getJson(`${stack!.url}/analytics/models`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ model_version: 'replica-e2e', total: 25 })]);
    const after = await served();
    expect(after).toEqual({ replica: before.replica + 1, primary: before.primary });
    const check = await replicaCheck();
    expect(check.replica).toBe('ok');
    expect(check.replica_lag_s).toBeGreaterThanOrEqual(0);
  });

  it('stopped: analytics are answered by the primary at once and /ready says replica down; restarted: it catches up and serves again', async () => {
    await servers!.replica.stop('immediate');
    await insertRows(5);
    const before = await served();
    const started = Date.now();
    const res = await getJson(`${stack!.url}/analytics/summary`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(200);
    expect(res.body.total_predictions).toBe(30); // the primary's rows, the 5 the replica never saw included
    expect((await served()).primary).toBe(before.primary + 1);
    await waitFor('replica down', async () => (await replicaCheck()).replica === 'down', { timeoutMs: 10_000 });
    const ready = await getJson(`${stack!.url}/ready`);
    expect(ready.body.problems).toContainEqual(expect.stringMatching(/^replica: ANALYTICS_DATABASE_URL does not answer/));

    await servers!.replica.start();
    await waitFor('replica ok again', async () => (await replicaCheck()).replica === 'ok', { timeoutMs: 30_000 });
    const replicaBefore = (await served()).replica;
    await waitFor('the replica to catch up', async () => (await getJson(`${stack!.url}/analytics/summary`)).body.total_predictions === 30, { timeoutMs: 20_000 });
    expect((await served()).replica).toBeGreaterThan(replicaBefore);
  });
});
