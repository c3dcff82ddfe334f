// @sentiment/client against the real API processes: typed answers, and every failure mapped to the
// error a caller can act on (ApiError with code and Retry-After, NetworkError), with retries only
// where a repeat cannot queue anything twice.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { workInProgress, workKeys } from '@sentiment/queue';
import { ApiError, NetworkError, createClient, type Client } from '@sentiment/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/processes.js';
import { deleteIdempotencyKeys } from './support/redis-keys.js';
import { freePort, postJson, STABLE_QUEUE, type Stack, startStack, TEST_REDIS_URL } from './support/stack.js';

let stack: Stack;
let client: Client;
beforeAll(async () => {
  stack = await startStack('client');
  client = createClient({ baseUrl: stack.url });
});
afterAll(async () => {
  if (stack) await deleteIdempotencyKeys(stack.prefix);
  await stack?.stop();
});

/** An error the promise rejects with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`);
    },
    (err: unknown) => err,
  );
}

describe('answers, typed and checked against the contract', () => {
  it('predict and batch return predictions; batch keeps input order', async () => {
    const one = await client.predict('an absolute joy to watch');
    expect(one).toMatchObject({ sentiment: 'positive', cache_hit: expect.any(Boolean) });
    const batch = await client.batch(['a thoroughly awful, boring mess', 'a wonderful, moving film']);
    expect(batch.total).toBe(2);
    expect(batch.predictions.map((p) => p.sentiment)).toEqual(['negative', 'positive']);
  });

  it('predict waits through a 202 (the API gave up waiting) by polling the job', async () => {
    const impatient = await stack.startApi({ SYNC_TIMEOUT_MS: '1' });
    const prediction = await createClient({ baseUrl: impatient.url }).predict('a thoroughly awful, boring mess');
    expect(prediction.sentiment).toBe('negative');
  });

  it('submit + waitFor: progress only moves forward and ends at the total', async () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `text ${i} is ${i % 2 ? 'bad' : 'good'}`);
    const job = await client.submit(texts);
    expect(job).toMatchObject({ status: 'queued', total: 3000, replayed: false });
    const seen: number[] = [];
    const done = await client.waitFor(job.job_id, { intervalMs: 50, onProgress: (p) => seen.push(p.done) });
    expect(done.result.predictions).toHaveLength(3000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(3000);
  });

  it('submit with the same Idempotency-Key returns the same job, marked replayed', async () => {
    const key = `client-test-${randomUUID()}`;
    const first = await client.submit(['same', 'texts'], { idempotencyKey: key });
    const again = await client.submit(['same', 'texts'], { idempotencyKey: key });
    expect(again).toEqual({ ...first, status: again.status, replayed: true });
    await client.waitFor(first.job_id); // its rows are in before the analytics tests count them
  });

  it('recent pages follow the Link header cursor to the end, newest first, without repeats', async () => {
    const seen: string[] = [];
    const timestamps: string[] = [];
    let page = await client.analytics.recent({ limit: 250 });
    for (;;) {
      seen.push(...page.items.map((r) => r.id));
      timestamps.push(...page.items.map((r) => r.timestamp));
      if (!page.next) break;
      page = await client.analytics.recent({ limit: 250, before: page.next });
    }
    const [stored] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.predictions');
    expect(seen).toHaveLength(Number(stored!.n));
    expect(new Set(seen).size).toBe(seen.length);
    expect(timestamps).toEqual([...timestamps].sort().reverse());
  });

  it('distribution equals SQL over the stored rows', async () => {
    const byLabel = await stack.sql<{ s: string; n: string }>('select predicted_sentiment as s, count(*) as n from {schema}.predictions group by 1');
    const expected = { positive: 0, negative: 0, neutral: 0, ...Object.fromEntries(byLabel.map((r) => [r.s, Number(r.n)])) };
    expect(await client.analytics.distribution()).toEqual(expected);
  });

  it('summary, timeseries, latency and models agree with SQL; filters travel as query parameters', async () => {
    const [sql] = await stack.sql<{ n: string; model: string }>('select count(*) as n, max(model_version) as model from {schema}.predictions');
    const n = Number(sql!.n);
    expect((await client.analytics.summary()).total_predictions).toBe(n);
    const series = await client.analytics.timeseries({ bucket: 'minute' });
    expect(series.bucket).toBe('minute');
    expect(series.points.reduce((sum, p) => sum + p.total, 0)).toBe(n);
    expect((await client.analytics.latency()).count).toBe(n);
    const models = await client.analytics.models();
    expect(models.map((m) => [m.model_version, m.total])).toEqual([[sql!.model, n]]);
    expect((await client.analytics.summary({ modelVersion: 'no-such-model' })).total_predictions).toBe(0);
    const future = new Date(Date.now() + 3_600_000);
    expect((await client.analytics.distribution({ from: future })).positive).toBe(0);
  });
});

describe('errors', () => {
  it('400 on a bad analytics query: `from` after `to`', async () => {
    const err = await rejection(client.analytics.summary({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }));
    expect(err).toMatchObject({ status: 400, code: 'validation_error' });
  });

  it('400: ApiError with the code and the issues by path', async () => {
    const err = await rejection(client.predict('   '));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'validation_error', details: [expect.objectContaining({ path: ['text'] })] });
  });

  it('404: an unknown job', async () => {
    const err = await rejection(client.status('00000000-0000-4000-8000-000000000000'));
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('422: an Idempotency-Key reused with other texts', async () => {
    const key = `client-test-${randomUUID()}`;
    await client.submit(['original'], { idempotencyKey: key });
    const err = await rejection(client.submit(['something else'], { idempotencyKey: key }));
    expect(err).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });

  it('401 without the API key; the key opens every endpoint', async () => {
    const key = 'client-test-key-0123456789';
    const guarded = await stack.startApi({ API_KEYS: key });
    const err = await rejection(createClient({ baseUrl: guarded.url }).analytics.distribution());
    expect(err).toMatchObject({ status: 401, code: 'unauthorized' });
    const keyed = createClient({ baseUrl: guarded.url, apiKey: key });
    expect((await keyed.predict('a wonderful, moving film')).sentiment).toBe('positive');
  });

  it('429: ApiError carries Retry-After (seconds) when the caller does not wait', async () => {
    const limited = await stack.startApi({ RATE_LIMIT_PER_MINUTE: '2' });
    const impatient = createClient({ baseUrl: limited.url, retry: { attempts: 1 } });
    // A fixed one-minute window: with a limit of 2, one of 5 calls is refused even if a window ends midway.
    let err: unknown;
    for (let i = 0; i < 5 && !err; i++) err = await impatient.analytics.distribution().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((err as ApiError).retryAfter).toBeGreaterThanOrEqual(1);
    expect((err as ApiError).retryAfter).toBeLessThanOrEqual(60);
  });

  it('server unreachable: NetworkError, not ApiError', async () => {
    const port = await freePort();
    const err = await rejection(createClient({ baseUrl: `http://127.0.0.1:${port}` }).predict('hello'));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ reason: 'unreachable' });
    expect((err as Error).message).toContain('connection refused');
  });
});

describe('an API without workers (its own queue prefix): timeouts and a full queue', () => {
  let api: { url: string };
  let queue: Queue;
  let redis: Redis;
  beforeAll(async () => {
    const prefix = `${stack.prefix}-idle`;
    api = await stack.startApi({ QUEUE_PREFIX: prefix, MAX_QUEUE_DEPTH: '100', SYNC_TIMEOUT_MS: '30000' });
    queue = new Queue(STABLE_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    if (!queue) return;
    await redis.del(...Object.values(workKeys(queue.opts.prefix!)));
    redis.disconnect();
    await queue.obliterate({ force: true });
    await deleteIdempotencyKeys(queue.opts.prefix!);
    await queue.close();
  });

  it('no answer within timeoutMs: NetworkError "timeout"', async () => {
    const err = await rejection(createClient({ baseUrl: api.url, timeoutMs: 300 }).predict('nobody will answer this'));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ reason: 'timeout' });
  });

  it('503 queue_full: calls without an Idempotency-Key are not retried; a keyed submit waits Retry-After and succeeds once there is room', async () => {
    await createClient({ baseUrl: api.url }).submit(Array.from({ length: 500 }, (_, i) => `filler ${i}`));
    // The API caches its depth reading briefly: wait until it refuses (an empty body queues nothing either way).
    await waitFor('the queue to count as full', async () => (await postJson(`${api.url}/jobs`, {})).status === 503);
    const retries: { delayMs: number; code: string }[] = [];
    const patient = createClient({
      baseUrl: api.url,
      retry: {
        onRetry: ({ delayMs, error }) => {
          retries.push({ delayMs, code: error.code });
          // Make room while the client waits (as an operator draining the queue in Bull Board; the API
          // counts the removed jobs out when it reconciles): the next try must get through.
          void queue.drain().then(() => workInProgress(redis, queue.opts.prefix!).reconcile());
        },
      },
    });

    const refused = await rejection(patient.predict('no room'));
    expect(refused).toMatchObject({ status: 503, code: 'queue_full', retryAfter: 10 });
    expect(await rejection(patient.submit(['no room either']))).toMatchObject({ status: 503, code: 'queue_full' });
    expect(retries).toEqual([]);

    const submitted = await patient.submit(['there is room now'], { idempotencyKey: `client-test-${randomUUID()}` });
    expect(submitted.status).toBe('queued');
    expect(retries).toEqual([{ delayMs: 10_000, code: 'queue_full' }]);
  }, 60_000);
});
