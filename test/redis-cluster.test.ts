// The API contract on a Redis Cluster (three primaries, private): with a hash-tagged QUEUE_PREFIX every
// key of the deployment — queues, result cache, idempotency keys, replies, rate limits, the queue-depth
// count, model presence and routing — lands in one slot, so BullMQ and the project's scripts work as on
// one server.
import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateCluster, type PrivateCluster } from './support/private-cluster.js';
import { waitFor } from './support/processes.js';
import { getJson, postJson, REGISTRY, startStack, type Stack } from './support/stack.js';

const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'correct horse battery' };
const basic = `Basic ${Buffer.from(`${ADMIN.ADMIN_USER}:${ADMIN.ADMIN_PASSWORD}`).toString('base64')}`;
const [V2, V1] = [...REGISTRY.models.keys()] as [string, string];
const tag = () => randomBytes(4).toString('hex');
const prefix = `{cluster-${tag()}}`;

let cluster: PrivateCluster;
let stack: Stack;
let client: Cluster;
beforeAll(async () => {
  cluster = await startPrivateCluster();
  const env = { REDIS_CLUSTER_NODES: cluster.nodes.join(','), QUEUE_PREFIX: prefix };
  stack = await startStack('cluster', {
    apiEnv: { ...env, ...ADMIN, RATE_LIMIT_PER_MINUTE: '100000', MAX_QUEUE_DEPTH: '100000' },
    workerEnv: { ...env, SERVE_MODELS: `${V2},${V1}` },
  });
  client = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) })));
  await waitFor('both models served', async () => (await getJson(`${stack.url}/models`)).body.models.every((m: { versions: unknown[] }) => m.versions.length > 0));
}, 180_000);
afterAll(async () => {
  client?.disconnect();
  await stack?.stop();
  await cluster?.stop();
});

describe('on a 3-primary Redis Cluster', () => {
  it('is ready, with its workers found in CLIENT LIST across the nodes', async () => {
    const ready = await getJson(`${stack.url}/ready`);
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    expect(ready.body.checks.workers).toBe(1);
  });

  it('answers /predict (rate limited, cached on a repeat), /batch in order, and /jobs by polling', async () => {
    const text = `a lovely, warm film ${tag()}`;
    const first = await fetch(`${stack.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('100000');
    const again = await postJson(`${stack.url}/predict`, { text });
    expect(again.body.cache_hit).toBe(true);

    const texts = ['awful', 'wonderful', 'it is a film'].map((t) => `${t} ${tag()}`);
    const batch = await postJson(`${stack.url}/batch`, { texts });
    expect(batch.status).toBe(200);
    expect(batch.body.predictions).toHaveLength(3);

    const job = await postJson(`${stack.url}/jobs`, { texts: Array.from({ length: 600 }, (_, i) => `bulk text ${i} ${tag()}`) });
    expect(job.status).toBe(202);
    const done = await waitFor('the job', async () => {
      const res = await getJson(`${stack.url}/jobs/${job.body.job_id}`);
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(done.progress).toEqual({ done: 600, total: 600 });
    const [row] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.predictions where job_id = ?', [job.body.job_id]);
    expect(Number(row!.n)).toBe(600);
  });

  it('keeps an Idempotency-Key: the retry gets the same job', async () => {
    const key = `cluster-${tag()}`;
    const first = await postJson(`${stack.url}/jobs`, { texts: ['once only'] }, { 'idempotency-key': key });
    const retry = await postJson(`${stack.url}/jobs`, { texts: ['once only'] }, { 'idempotency-key': key });
    expect(retry.body.job_id).toBe(first.body.job_id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('routes, shadows and compares models (presence, routing and shadow queues on the cluster)', async () => {
    const put = await fetch(`${stack.url}/admin/routing`, {
      method: 'PUT',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ aliases: { stable: V2, previous: V1 }, split: { stable: 100 }, shadow: { model: 'previous', rate: 1 } }),
    });
    expect(put.status).toBe(200);
    const pinned = await postJson(`${stack.url}/predict`, { text: `pinned ${tag()}`, model: 'previous' });
    expect(pinned.body.model_version.startsWith(`${V1}+`)).toBe(true);
    const job = await postJson(`${stack.url}/jobs`, { texts: Array.from({ length: 50 }, (_, i) => `shadowed ${i} ${tag()}`) });
    await waitFor('50 pairs', async () => {
      const [row] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.model_comparisons where job_id = ?', [job.body.job_id]);
      return Number(row!.n) === 50;
    });
    expect((await getJson(`${stack.url}/analytics/compare?a=${V2}&b=${V1}`)).body.pairs).toBeGreaterThanOrEqual(50);
  });

  it('counts texts out of the queue depth when their jobs end, and keeps every key in one slot', async () => {
    await waitFor('queue depth back to 0', async () => Number((await client.get(`${prefix}:work:total`)) ?? 0) === 0);
    const keys: string[] = [];
    for (const node of client.nodes('master')) keys.push(...(await node.keys(`${prefix}*`)));
    expect(keys.length).toBeGreaterThan(10);
    const slots = new Set(await Promise.all(keys.map((k) => client.cluster('KEYSLOT', k))));
    expect(slots.size).toBe(1);
    for (const kind of [':cache:', ':idempotency:', ':model-workers:', ':routing', ':rate-limit:', ':work:', 'predictions.']) {
      expect(keys.some((k) => k.includes(kind)), kind).toBe(true);
    }
  });
});
