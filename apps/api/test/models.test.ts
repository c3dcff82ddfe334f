import request from 'supertest';
import type { Processor } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { predictionId, type ClassifyJobData, type ClassifyJobResult } from '@sentiment/queue';
import { createApp } from '../src/app.js';
import { createModelRouter } from '../src/models/model-router.js';
import { createRedisHealth } from '../src/redis-health.js';
import { createHarness, silentLogger, type Harness } from './support/harness.js';

const ADMIN = { user: 'ops', password: 'correct horse battery' };
const basic = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;

/** Answers as model `model` would name itself: the version its harness worker announced. */
const answeringAs =
  (model: string): Processor<ClassifyJobData, ClassifyJobResult> =>
  async (job) => {
    const predictions = job.data.texts.map((_, i) => ({
      id: predictionId(job.id!, i),
      sentiment: 'neutral' as const,
      confidence: 0.5,
      latency_ms: 1,
      model_version: `${model}+00000000`,
      cache_hit: false,
    }));
    return { predictions, total: predictions.length };
  };

let h: Harness;
let v2: string;
let v1: string;
beforeAll(async () => {
  h = await createHarness({ access: { admin: ADMIN }, metrics: { queueStatsCacheMs: 0 } });
  [v2, v1] = [...h.registry.models.keys()] as [string, string];
  h.startWorker(answeringAs(v2), v2);
  h.startWorker(answeringAs(v1), v1);
  await h.announced();
});
afterAll(async () => {
  await h?.close();
});

const routing = (body: object) => request(h.app).put('/admin/routing').set('Authorization', basic).send(body);
const reset = () => request(h.app).delete('/admin/routing').set('Authorization', basic);

describe('GET /models', () => {
  it('lists every registry model with its aliases, served versions, workers and traffic share', async () => {
    const res = await request(h.app).get('/models');
    expect(res.status).toBe(200);
    expect(res.body.models).toEqual([
      expect.objectContaining({ name: v2, aliases: ['stable'], source: 'shipped', versions: [{ version: `${v2}+00000000`, workers: 1 }], traffic_share: 1, shadow_rate: 0, retired: false }),
      expect.objectContaining({ name: v1, aliases: ['previous'], source: 'shipped', versions: [{ version: `${v1}+00000000`, workers: 1 }], traffic_share: 0, shadow_rate: 0, retired: false }),
    ]);
    expect(res.body.routing).toEqual(h.registry.routing);
    expect(res.body.routing_updated_at).toBeNull();
  });
});

describe('choosing a model per request', () => {
  it('answers with the stable model by default, and with the pinned one by name, alias or full version', async () => {
    expect((await request(h.app).post('/predict').send({ text: 'hello' })).body.model_version).toBe(`${v2}+00000000`);
    for (const model of [v1, 'previous', `${v1}+00000000`]) {
      const res = await request(h.app).post('/predict').send({ text: 'hello', model });
      expect(res.status, model).toBe(200);
      expect(res.body.model_version).toBe(`${v1}+00000000`);
    }
    const batch = await request(h.app).post('/batch').send({ texts: ['a', 'b'], model: v1 });
    expect(batch.body.predictions.map((p: { model_version: string }) => p.model_version)).toEqual([`${v1}+00000000`, `${v1}+00000000`]);
  });

  it('queues a pinned /jobs job on its model\'s queue only, and GET /jobs/:id finds it there', async () => {
    const res = await request(h.app).post('/jobs').send({ texts: ['x', 'y', 'z'], model: 'previous' });
    expect(res.status).toBe(202);
    const job = await h.clients.predictionQueues.of(v1).getJob(res.body.job_id);
    expect(job?.data).toMatchObject({ model: v1, texts: ['x', 'y', 'z'] });
    expect(await h.clients.predictionQueues.of(v2).getJob(res.body.job_id)).toBeUndefined();
    await vi.waitFor(async () => expect((await request(h.app).get(`/jobs/${res.body.job_id}`)).body.status).toBe('completed'), { timeout: 10_000 });
  });

  it('answers 400 unknown_model for a name, alias or version it does not know, and queues nothing', async () => {
    const before = await h.queue.count();
    for (const model of ['sentiment-v3', 'canary', `${v1}+deadbeef`.replace(v1, 'other-model')]) {
      const res = await request(h.app).post('/predict').send({ text: 'hello', model });
      expect(res.status, model).toBe(400);
      expect(res.body.error.code).toBe('unknown_model');
      expect(res.body.error.details).toEqual({ models: [v2, v1], aliases: ['stable', 'previous'] });
    }
    expect(await h.queue.count()).toBe(before);
  });

  it('answers 503 model_unavailable + Retry-After for a known version no worker serves, never a hang', async () => {
    const res = await request(h.app).post('/predict').send({ text: 'hello', model: `${v1}+12345678` });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'model_unavailable', details: { model: v1 } });
    expect(res.headers['retry-after']).toBe('5');
  });

  it('refuses a model field that is not a string', async () => {
    const res = await request(h.app).post('/batch').send({ texts: ['a'], model: 7 });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toEqual(['model']);
  });
});

describe('traffic split (PUT /admin/routing)', () => {
  afterAll(async () => {
    await reset();
  });

  it('needs the admin credentials, and refuses a routing that does not fit the registry', async () => {
    expect((await request(h.app).put('/admin/routing').send({ split: { stable: 1 } })).status).toBe(401);
    const bad = await routing({ split: { canary: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].message).toMatch(/split.canary: neither a model nor an alias/);
    expect((await routing({ split: { stable: 1 }, sticky: 'sometimes' })).status).toBe(400);
  });

  it('splits requests by weight (3,000 requests, sticky per text: within 3 points of 80/20) and shows it in /metrics', async () => {
    const applied = await routing({ aliases: { stable: v2, previous: v1 }, split: { stable: 80, previous: 20 }, sticky: 'text' });
    expect(applied.status).toBe(200);
    expect(applied.body.models.map((m: { traffic_share: number }) => m.traffic_share)).toEqual([0.8, 0.2]);
    const counts = { [v2]: 0, [v1]: 0 };
    for (let start = 0; start < 3000; start += 100) {
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) => request(h.app).post('/jobs').send({ texts: [`text number ${start + i}`] })),
      );
      for (const r of replies) {
        expect(r.status, JSON.stringify(r.body)).toBe(202);
        const job = await h.clients.predictionQueues.of(v1).getJob(r.body.job_id);
        counts[job ? v1 : v2]! += 1;
      }
    }
    expect(Math.abs(counts[v1]! / 3000 - 0.2)).toBeLessThan(0.03);
    const metrics = (await request(h.app).get('/metrics')).text;
    expect(metrics).toMatch(new RegExp(`sentiment_model_requests_total\\{model="${v1}",how="split"\\} ${counts[v1]}`));
    expect(metrics).toContain(`sentiment_routing_weight{target="previous",model="${v1}"} 20`);
  });

  it('keeps each caller on one version (sticky per client) and each text on one version (sticky per text)', async () => {
    await routing({ aliases: { stable: v2, previous: v1 }, split: { stable: 50, previous: 50 }, sticky: 'client' });
    const seen = new Map<string, Set<string>>();
    for (let c = 0; c < 20; c++) {
      for (let n = 0; n < 4; n++) {
        const res = await request(h.app).post('/predict').set('Authorization', `Bearer client-${c}`).send({ text: `message ${n}` });
        const versions = seen.get(`client-${c}`) ?? new Set();
        versions.add(res.body.model_version);
        seen.set(`client-${c}`, versions);
      }
    }
    expect([...seen.values()].every((v) => v.size === 1)).toBe(true);
    expect(new Set([...seen.values()].map((v) => [...v][0])).size).toBe(2); // and both versions get callers

    await routing({ aliases: { stable: v2, previous: v1 }, split: { stable: 50, previous: 50 }, sticky: 'text' });
    for (let t = 0; t < 10; t++) {
      const answers = await Promise.all([0, 1, 2].map((c) => request(h.app).post('/predict').set('Authorization', `Bearer other-${c}`).send({ text: `same text ${t}` })));
      expect(new Set(answers.map((a) => a.body.model_version)).size).toBe(1);
    }
  });

  it('reaches another API instance on the same Redis within two seconds, without a restart', async () => {
    const models = createModelRouter({ registry: h.registry, redis: h.clients.redis, prefix: h.prefix, logger: silentLogger });
    const other = createApp({ jobs: h.jobs, models, analytics: h.analytics, redisHealth: createRedisHealth(h.clients.redis, h.prefix), boardQueues: [], logger: silentLogger, syncTimeoutMs: 2000, bodyLimit: '1mb' });
    try {
      await models.refresh();
      expect((await request(other).get('/models')).body.routing.aliases.stable).toBe(v2);
      await routing({ aliases: { stable: v1, previous: v2 }, split: { stable: 100 }, sticky: 'none' });
      const changedAt = Date.now();
      await vi.waitFor(async () => expect((await request(other).get('/models')).body.routing.aliases.stable).toBe(v1), { timeout: 2000, interval: 50 });
      expect(Date.now() - changedAt).toBeLessThan(2000);
      const answers = await Promise.all([0, 1, 2, 3, 4].map((i) => request(other).post('/predict').send({ text: `after the change ${i}` })));
      expect(answers.map((a) => a.body.model_version)).toEqual(answers.map(() => `${v1}+00000000`));
    } finally {
      models.close();
    }
  });

  it('keeps an Idempotency-Key\'s job on the model chosen first, whatever the routing says later', async () => {
    await routing({ aliases: { stable: v2, previous: v1 }, split: { stable: 100 } });
    const first = await request(h.app).post('/jobs').set('Idempotency-Key', 'rollout-key-1').send({ texts: ['kept'] });
    await routing({ aliases: { stable: v1, previous: v2 }, split: { stable: 100 } });
    const again = await request(h.app).post('/jobs').set('Idempotency-Key', 'rollout-key-1').send({ texts: ['kept'] });
    expect(again.body.job_id).toBe(first.body.job_id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await h.clients.predictionQueues.of(v2).getJob(first.body.job_id))?.data.model).toBe(v2);
    expect(await h.clients.predictionQueues.of(v1).getJob(first.body.job_id)).toBeUndefined();
  });

  it('DELETE goes back to the registry file\'s routing', async () => {
    const res = await reset();
    expect(res.status).toBe(200);
    expect(res.body.routing).toEqual(h.registry.routing);
    expect(res.body.routing_updated_at).toBeNull();
  });
});

describe('shadow runs', () => {
  afterAll(async () => {
    await reset();
  });

  it('marks the sampled share of routed jobs for a shadow run on the other model (rate 1: all; rate 0: none)', async () => {
    await routing({ aliases: { stable: v2, previous: v1 }, split: { stable: 100 }, shadow: { model: 'previous', rate: 1 } });
    const shadowed = await request(h.app).post('/jobs').send({ texts: ['compare me'] });
    expect((await h.queue.getJob(shadowed.body.job_id))?.data).toMatchObject({ model: v2, shadow: v1 });
    // A pinned request is the caller's choice: never shadowed.
    const pinned = await request(h.app).post('/jobs').send({ texts: ['pinned'], model: v2 });
    expect((await h.queue.getJob(pinned.body.job_id))?.data.shadow).toBeUndefined();
    await routing({ aliases: { stable: v2, previous: v1 }, split: { stable: 100 }, shadow: { model: 'previous', rate: 0 } });
    const none = await request(h.app).post('/jobs').send({ texts: ['not compared'] });
    expect((await h.queue.getJob(none.body.job_id))?.data.shadow).toBeUndefined();
  });

  it('never shadows a job on its own model', async () => {
    await routing({ aliases: { stable: v2 }, split: { stable: 100 }, shadow: { model: v2, rate: 1 } });
    const res = await request(h.app).post('/jobs').send({ texts: ['same model'] });
    expect((await h.queue.getJob(res.body.job_id))?.data.shadow).toBeUndefined();
  });
});

describe('PUT /admin/routing without admin credentials', () => {
  it('is read-only: GET answers, PUT and DELETE are 403 admin_required', async () => {
    const open = await createHarness({});
    try {
      expect((await request(open.app).get('/admin/routing')).status).toBe(200);
      const put = await request(open.app).put('/admin/routing').send({ split: { stable: 1 } });
      expect(put.status).toBe(403);
      expect(put.body.error.code).toBe('admin_required');
      expect((await request(open.app).delete('/admin/routing')).status).toBe(403);
    } finally {
      await open.close();
    }
  });
});

describe('GET /ready with a model that gets traffic and no worker', () => {
  it('is 503 and names the model, so a balancer does not send traffic that would only wait', async () => {
    const lone = await createHarness({ access: { admin: ADMIN } });
    try {
      lone.startWorker(answeringAs(v2), v2);
      await lone.announced();
      expect((await request(lone.app).get('/ready')).status).toBe(200);
      const put = await request(lone.app).put('/admin/routing').set('Authorization', basic).send({ aliases: { stable: v2, previous: v1 }, split: { stable: 50, previous: 50 } });
      expect(put.status).toBe(200);
      const ready = await request(lone.app).get('/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.problems).toContain(`models: ${v1} gets 50% of the routed traffic but no worker serves it; its requests would wait and turn into 202s`);
    } finally {
      await lone.close();
    }
  });
});
