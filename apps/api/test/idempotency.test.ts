import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, stubProcessor, type Harness } from './support/harness.js';

// One harness without a worker (jobs stay queued, so counts are exact) and one with a real BullMQ
// Worker running the harness's stand-in processor (to see synchronous answers replayed).
let queued: Harness;
let served: Harness;
beforeAll(async () => {
  [queued, served] = await Promise.all([createHarness(), createHarness()]);
  served.startWorker(stubProcessor);
});
afterAll(async () => {
  // Idempotency keys live beside the queue's keys, which obliterate() does not touch.
  for (const h of [queued, served]) if (h) await deleteIdempotencyKeys(h);
  await Promise.all([queued?.close(), served?.close()]);
});

async function deleteIdempotencyKeys(h: Harness): Promise<void> {
  const stream = h.clients.redis.scanStream({ match: `${h.prefix}:idempotency:*`, count: 500 });
  for await (const keys of stream as AsyncIterable<string[]>) if (keys.length) await h.clients.redis.del(...keys);
}

const newKey = () => `key-${randomUUID()}`;
const jobCount = (h: Harness) =>
  h.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');

describe('Idempotency-Key on POST /jobs', () => {
  it('the same key twice returns the same job and queues only one', async () => {
    const key = newKey();
    const before = await jobCount(queued);
    const first = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['a', 'b'] });
    const again = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['a', 'b'] });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await jobCount(queued)).toBe(before + 1);
  });

  it('concurrent duplicates create one job', async () => {
    const key = newKey();
    const before = await jobCount(queued);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['same', 'texts'] })),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(12).fill(202));
    expect(new Set(answers.map((r) => r.body.job_id)).size).toBe(1);
    expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(11);
    expect(await jobCount(queued)).toBe(before + 1);
  });

  it('the same key with a different body is refused with 422 and queues nothing', async () => {
    const key = newKey();
    const first = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['original'] });
    const before = await jobCount(queued);
    const reused = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['something else'] });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'idempotency_key_reused', details: { job_id: first.body.job_id } });
    expect(await jobCount(queued)).toBe(before);
  });

  it('without the header every request is a new job', async () => {
    const a = await request(queued.app).post('/jobs').send({ texts: ['x'] });
    const b = await request(queued.app).post('/jobs').send({ texts: ['x'] });
    expect(a.body.job_id).not.toBe(b.body.job_id);
  });

  it('keys are per caller: another Authorization gets its own job', async () => {
    const key = newKey();
    const alice = await request(queued.app).post('/jobs').set('Authorization', 'Bearer alice').set('Idempotency-Key', key).send({ texts: ['x'] });
    const bob = await request(queued.app).post('/jobs').set('Authorization', 'Bearer bob').set('Idempotency-Key', key).send({ texts: ['y'] });
    const aliceAgain = await request(queued.app).post('/jobs').set('Authorization', 'Bearer alice').set('Idempotency-Key', key).send({ texts: ['x'] });
    expect(bob.status).toBe(202);
    expect(bob.body.job_id).not.toBe(alice.body.job_id);
    expect(aliceAgain.body.job_id).toBe(alice.body.job_id);
  });

  it('a key on one endpoint does not collide with the same key on another', async () => {
    const key = newKey();
    const predict = await request(queued.app).post('/predict?async=true').set('Idempotency-Key', key).send({ text: 'same text' });
    const batch = await request(queued.app).post('/batch?async=true').set('Idempotency-Key', key).send({ texts: ['same text'] });
    const jobs = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['same text'] });
    expect([predict.status, batch.status, jobs.status]).toEqual([202, 202, 202]);
    expect(new Set([predict.body.job_id, batch.body.job_id, jobs.body.job_id]).size).toBe(3);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a space', 'two words'],
    ['a non-ASCII character', 'clé'],
  ])('a key that is %s is a 400 and queues nothing', async (_name, key) => {
    const before = await jobCount(queued);
    const res = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['x'] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error', details: [{ path: ['Idempotency-Key'] }] });
    expect(await jobCount(queued)).toBe(before);
  });

  /** Makes the next queue.add fail like a reset connection, after (`ranFirst`) or instead of running it in Redis. */
  function failNextAdd(h: Harness, ranFirst: boolean): void {
    const queue = h.queue;
    const real = queue.add.bind(queue);
    queue.add = (async (...args: Parameters<typeof real>) => {
      queue.add = real;
      if (ranFirst) await real(...args);
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    }) as typeof queue.add;
  }

  it('after an add that went through but answered with an error, the retry returns that job and queues no second one', async () => {
    const key = newKey();
    const before = await jobCount(queued);
    failNextAdd(queued, true);
    const first = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['ambiguous', 'add'] });
    expect(first.status).toBe(503);
    expect(first.body.error.code).toBe('queue_unavailable');
    expect(await jobCount(queued)).toBe(before + 1); // Redis did run it

    const retry = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['ambiguous', 'add'] });
    expect(retry.status).toBe(202);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const job = await queued.queue.getJob(retry.body.job_id);
    expect(job?.data.texts).toEqual(['ambiguous', 'add']);
    expect(await jobCount(queued)).toBe(before + 1);
    // And the key now points at that job for good.
    const again = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['ambiguous', 'add'] });
    expect(again.body.job_id).toBe(retry.body.job_id);
  });

  it('after an add that never reached Redis, the retry queues the job once, under the id the key claimed', async () => {
    const key = newKey();
    const before = await jobCount(queued);
    failNextAdd(queued, false);
    const first = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['lost add'] });
    expect(first.status).toBe(503);
    expect(await jobCount(queued)).toBe(before);

    const retries = await Promise.all(
      Array.from({ length: 3 }, () => request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['lost add'] })),
    );
    expect(retries.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(new Set(retries.map((r) => r.body.job_id)).size).toBe(1);
    expect(await jobCount(queued)).toBe(before + 1);
  });

  it('a key of 255 visible ASCII characters is accepted', async () => {
    const key = Array.from({ length: 255 }, (_, i) => String.fromCharCode(0x21 + (i % 94))).join('');
    const res = await request(queued.app).post('/jobs').set('Idempotency-Key', key).send({ texts: ['x'] });
    expect(res.status).toBe(202);
  });
});

describe('Idempotency-Key on synchronous /predict and /batch', () => {
  it('a repeated /predict answers the same prediction from the one job', async () => {
    const key = newKey();
    const first = await request(served.app).post('/predict').set('Idempotency-Key', key).send({ text: 'a good day' });
    const again = await request(served.app).post('/predict').set('Idempotency-Key', key).send({ text: 'a good day' });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const completed = await served.queue.getJobs(['completed']);
    expect(completed.filter((j) => j.data.texts[0] === 'a good day')).toHaveLength(1);
  });

  it('concurrent duplicate /batch requests share one job and one answer', async () => {
    const key = newKey();
    const texts = ['one bad thing', 'two good things', 'three'];
    const answers = await Promise.all(Array.from({ length: 6 }, () => request(served.app).post('/batch').set('Idempotency-Key', key).send({ texts })));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(200));
    for (const r of answers) expect(r.body).toEqual(answers[0].body);
    expect(answers[0].body.total).toBe(3);
    const completed = await served.queue.getJobs(['completed']);
    expect(completed.filter((j) => j.data.texts[0] === 'one bad thing')).toHaveLength(1);
  });

  it('a replay asked for asynchronously reports the job as it is now', async () => {
    const key = newKey();
    const first = await request(served.app).post('/predict').set('Idempotency-Key', key).send({ text: 'done already' });
    expect(first.status).toBe(200);
    const again = await request(served.app).post('/predict').set('Prefer', 'respond-async').set('Idempotency-Key', key).send({ text: 'done already' });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'completed' });
    const view = await request(served.app).get(again.body.status_url);
    expect(view.body.result.predictions[0]).toEqual(first.body);
  });
});
