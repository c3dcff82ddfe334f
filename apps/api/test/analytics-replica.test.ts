// ANALYTICS_DATABASE_URL: analytics read a replica while it serves, the primary otherwise; /ready and
// /metrics say which. Real Postgres throughout: the "replica" is a closed port, the test server itself
// (answers, but is no standby) or a TCP proxy in front of it that freezes. A real streaming replica is
// built by `npm run fault:postgres-replica` (scripts/faults/postgres-replica.ts).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DatabaseEnv, databaseOptions, initOrm, migrateUp, type Orm } from '@sentiment/db';
import { ConfigError, readEnv } from '@sentiment/settings';
import { connectDatabase, type Database } from '../src/database.js';
import net from 'node:net';
import { CLOSED_PORT, createHarness, DATABASE_URL, silentLogger, stubProcessor, type Harness } from './support/harness.js';
import { sample } from './support/prometheus.js';

const ROWS = 42;
let orm: Orm;
let schema: string;

beforeAll(async () => {
  schema = `test_replica_${randomBytes(6).toString('hex')}`;
  orm = await initOrm({ clientUrl: DATABASE_URL, schema, poolMax: 2 });
  await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
  await migrateUp(orm);
  await orm.em.getConnection().execute(
    `insert into "${schema}".predictions (id, "timestamp", predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index)
     select gen_random_uuid(), now() - i * interval '1 second', (array['negative','neutral','positive'])[1 + i % 3], 0.8, 3, 'replica-test', false, gen_random_uuid()::text, i
     from generate_series(1, ${ROWS}) i`,
  );
});
afterAll(async () => {
  await orm?.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
  await orm?.close(true);
});

describe('ANALYTICS_DATABASE_URL and ANALYTICS_MAX_LAG_S', () => {
  it('are optional: no replica, a 30 s bound', () => {
    const o = databaseOptions(readEnv(DatabaseEnv, {}, 'database'));
    expect(o.analyticsClientUrl).toBeUndefined();
    expect(o.analyticsMaxLagS).toBe(30);
  });

  it('pass the replica URL and the bound through databaseOptions (blank means unset)', () => {
    const url = 'postgresql://reader:s3cret@replica.internal:5432/app';
    const o = databaseOptions(readEnv(DatabaseEnv, { ANALYTICS_DATABASE_URL: url, ANALYTICS_MAX_LAG_S: '2.5' }, 'database'));
    expect(o).toMatchObject({ clientUrl: expect.any(String), analyticsClientUrl: url, analyticsMaxLagS: 2.5 });
    expect(databaseOptions(readEnv(DatabaseEnv, { ANALYTICS_DATABASE_URL: '  ' }, 'database')).analyticsClientUrl).toBeUndefined();
  });

  it('refuses a URL that is not Postgres without echoing it, and a negative bound', () => {
    const bad = () => readEnv(DatabaseEnv, { ANALYTICS_DATABASE_URL: 'mysql://u:hunter2@db/x', ANALYTICS_MAX_LAG_S: '-1' }, 'database');
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/ANALYTICS_DATABASE_URL=\(22 characters, not shown\): expected a postgres or postgresql URL/);
      expect(message).toMatch(/ANALYTICS_MAX_LAG_S="-1"/);
      expect(message).not.toContain('hunter2');
    }
  });
});

/**
 * A TCP relay to Postgres that can freeze: forwarding stops, sockets stay open, new connections are
 * accepted and never answered (a hung server, not a refusing one). (test/support/tcp-proxy.ts does the
 * same for the cross-app tests; this project cannot import it.)
 */
async function freezableProxy(target: { host: string; port: number }) {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (frozen) return; // accepted, never answered
    const upstream = net.connect(target);
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('data', (b) => void (frozen || upstream.write(b)));
    upstream.on('data', (b) => void (frozen || client.write(b)));
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => void (frozen = true),
    /** Forwards again; connections opened or used while frozen are dropped (their bytes were lost). */
    restore() {
      frozen = false;
      for (const s of sockets) s.destroy();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The API over `db`'s analytics, with a worker (so /ready can be 200) and /metrics. */
async function harnessOver(db: Database): Promise<Harness> {
  const h = await createHarness({ analytics: db.analytics, metrics: { queueStatsCacheMs: 0 } });
  h.startWorker(stubProcessor);
  await h.announced();
  return h;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const replicaState = async (h: Harness) => (await request(h.app).get('/ready')).body.checks?.replica as string | undefined;
const metricsText = async (h: Harness) => (await request(h.app).get('/metrics')).text;

describe('a replica that refuses connections', () => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    db = await connectDatabase({ clientUrl: DATABASE_URL, schema, analyticsClientUrl: `postgresql://postgres@127.0.0.1:${CLOSED_PORT}/test`, logger: silentLogger });
    h = await harnessOver(db);
    await waitFor('the first replica check', async () => db.analytics.routing!.health().error !== 'not checked yet');
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  it('analytics are answered by the primary', async () => {
    const res = await request(h.app).get('/analytics/summary');
    expect(res.status).toBe(200);
    expect(res.body.total_predictions).toBe(ROWS);
    const dist = await request(h.app).get('/analytics/sentiment-distribution');
    expect(dist.body).toEqual({ negative: 14, neutral: 14, positive: 14 });
  });

  it('/ready: 200 degraded, replica down with the reason, never 503 for the replica alone', async () => {
    let res = await request(h.app).get('/ready');
    for (let i = 0; i < 50 && res.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await request(h.app).get('/ready');
    }
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.checks).toMatchObject({ postgres: 'ok', replica: 'down', replica_lag_s: null });
    expect(res.body.problems).toContainEqual(expect.stringMatching(/^replica: ANALYTICS_DATABASE_URL does not answer \(.*ECONNREFUSED.*\); analytics are read from the primary$/));
  });

  it('/metrics: replica down, every answer counted as the primary\'s, no lag sample', async () => {
    await request(h.app).get('/analytics/latency').expect(200);
    const text = await metricsText(h);
    expect(sample(text, 'sentiment_analytics_replica_up')).toBe(0);
    expect(sample(text, 'sentiment_analytics_queries_total', { target: 'replica' })).toBe(0);
    expect(sample(text, 'sentiment_analytics_queries_total', { target: 'primary' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'sentiment_analytics_replica_lag_seconds')).toBeUndefined();
  });
});

describe('a replica that answers', () => {
  let proxy: Awaited<ReturnType<typeof freezableProxy>>;
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    const target = new URL(DATABASE_URL);
    proxy = await freezableProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(DATABASE_URL);
    viaProxy.port = String(proxy.port);
    db = await connectDatabase({ clientUrl: DATABASE_URL, schema, analyticsClientUrl: viaProxy.toString(), logger: silentLogger });
    h = await harnessOver(db);
    await waitFor('the replica to serve', async () => (await replicaState(h)) === 'ok');
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
    await proxy?.close();
  });

  it('serves analytics (counted as the replica\'s); a server that is not a standby is said so in /ready', async () => {
    const res = await request(h.app).get('/analytics/summary');
    expect(res.status).toBe(200);
    expect(res.body.total_predictions).toBe(ROWS);
    const text = await metricsText(h);
    expect(sample(text, 'sentiment_analytics_queries_total', { target: 'replica' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sentiment_analytics_replica_up')).toBe(1);
    const ready = await request(h.app).get('/ready');
    expect(ready.body.checks).toMatchObject({ replica: 'ok', replica_lag_s: null });
    expect(ready.body.problems).toContainEqual(expect.stringMatching(/^replica: the server at ANALYTICS_DATABASE_URL is not a standby/));
  });

  it('a replica that hangs mid-query: the request is answered by the primary within the check bound, then the replica serves again', async () => {
    const before = db.analytics.routing!.queries();
    proxy.freeze();
    const started = Date.now();
    const res = await request(h.app).get('/analytics/models');
    const tookMs = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ model_version: 'replica-test', total: ROWS })]);
    expect(tookMs).toBeLessThan(8000); // a check every 2 s, each bounded by 2 s (the statement timeout, 15 s, would be the bound otherwise)
    expect(db.analytics.routing!.queries().primary).toBe(before.primary + 1);
    expect(await replicaState(h)).toBe('down');
    // While it is down no request waits for it (waiting would take the 2 s check bound at least).
    const t = Date.now();
    await request(h.app).get('/analytics/summary').expect(200);
    expect(Date.now() - t).toBeLessThan(1500);

    proxy.restore();
    await waitFor('the replica to serve again', async () => (await replicaState(h)) === 'ok', 30_000);
    const replicaBefore = db.analytics.routing!.queries().replica;
    await request(h.app).get('/analytics/summary').expect(200);
    expect(db.analytics.routing!.queries().replica).toBe(replicaBefore + 1);
  });
});
