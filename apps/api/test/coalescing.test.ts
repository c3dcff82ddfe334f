// Interactive requests that arrive together share one job (coalescer.ts): each still gets exactly its own
// predictions, and a share that falls back to 202 is shown through a ticket holding only its texts.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHarness, stubProcessor, type Harness } from './support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requests arriving together', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ syncTimeoutMs: 10_000 });
    h.startWorker(stubProcessor);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('share jobs, and every request gets the predictions of its own texts', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? `bad take number ${i}` : `good take number ${i}`));
    const answers = await Promise.all(texts.map((text) => request(h.app).post('/predict').send({ text })));
    answers.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(res.body.sentiment).toBe(texts[i]!.includes('bad') ? 'negative' : 'positive');
    });
    expect(new Set(answers.map((r) => r.body.id)).size).toBe(texts.length);

    const jobs = await h.queue.getJobs(['completed']);
    const texted = jobs.flatMap((j) => j.data.texts);
    expect(texted.sort()).toEqual([...texts].sort());
    expect(jobs.length).toBeLessThan(texts.length);
    const shared = jobs.find((j) => j.data.texts.length > 1)!;
    expect(shared.data.requestIds).toHaveLength(shared.data.texts.length);
  });

  it('a /batch sharing a job gets its texts in its order, and total counts only them', async () => {
    const batches = [['good one', 'bad one'], ['bad two', 'good two', 'good three'], ['good four']];
    const answers = await Promise.all(batches.map((texts) => request(h.app).post('/batch').send({ texts })));
    answers.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(batches[i]!.length);
      expect(res.body.predictions.map((p: { sentiment: string }) => p.sentiment)).toEqual(
        batches[i]!.map((t) => (t.includes('bad') ? 'negative' : 'positive')),
      );
    });
  });
});

describe('a shared job that outlives the sync wait', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ syncTimeoutMs: 300 }); // no worker until the test starts one
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers each request 202 with its own ticket, which shows only its own texts', async () => {
    const texts = ['good alpha', 'bad beta', 'good gamma'];
    const accepted = await Promise.all(texts.map((text) => request(h.app).post('/predict').send({ text })));
    for (const res of accepted) {
      expect(res.status).toBe(202);
      expect(res.body.job_id).toMatch(UUID);
      expect(res.headers.location).toBe(`/jobs/${res.body.job_id}`);
    }
    // However they were grouped, no answer names a job that holds another request's text.
    const jobs = await h.queue.getJobs(['waiting']);
    expect(jobs.flatMap((j) => j.data.texts).sort()).toEqual([...texts].sort());
    const sharedIds = jobs.filter((j) => j.data.texts.length > 1).map((j) => j.id);
    for (const res of accepted) expect(sharedIds).not.toContain(res.body.job_id);

    const queued = await request(h.app).get(accepted[1]!.body.status_url);
    expect(queued.body).toMatchObject({ job_id: accepted[1]!.body.job_id, status: 'queued', progress: { done: 0, total: 1 } });

    h.startWorker(stubProcessor);
    for (const [i, res] of accepted.entries()) {
      const done = await vi.waitFor(
        async () => {
          const view = await request(h.app).get(res.body.status_url);
          expect(view.body.status).toBe('completed');
          return view.body;
        },
        { timeout: 15_000, interval: 50 },
      );
      expect(done.progress).toEqual({ done: 1, total: 1 });
      expect(done.result.total).toBe(1);
      expect(done.result.predictions).toHaveLength(1);
      expect(done.result.predictions[0].sentiment).toBe(texts[i]!.includes('bad') ? 'negative' : 'positive');
    }
  });
});
