// Submit-and-poll: big jobs report progress, slow answers fall back to 202 and polling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createClient, type Client } from '@sentiment/client';
import { postJson, startStack, type Stack } from './support/stack.js';

let stack: Stack;
let client: Client;
/** The answers to the client's requests, in order, for the headers (Location) the typed result leaves out. */
let answers: { method: string; status: number; headers: Headers }[] = [];
beforeAll(async () => {
  // Small chunks so a 5,000-text job reports many progress steps.
  stack = await startStack('jobs', { workerEnv: { CHUNK_SIZE: '100' } });
  client = createClient({ baseUrl: stack.url, onResponse: (answer) => answers.push(answer) });
});
afterAll(async () => {
  await stack?.stop();
});

/** Polls every 25 ms until the job completes (a failed job rejects with JobFailedError). */
function pollUntilDone(jobId: string, seen: number[] = []) {
  return client.waitFor(jobId, { intervalMs: 25, onProgress: (p) => seen.push(p.done), signal: AbortSignal.timeout(120_000) });
}

describe('POST /jobs', () => {
  it('runs 5,000 texts with moving progress and stores 5,000 rows', async () => {
    const texts = Array.from({ length: 5000 }, (_, i) => `text number ${i} is ${i % 3 === 0 ? 'bad' : 'good'}`);
    answers = [];
    const submitted = await client.submit(texts);
    expect(answers.map((a) => a.status), stack.logs()).toEqual([202]);
    expect(submitted).toMatchObject({ status: 'queued', total: 5000 });
    expect(answers[0]!.headers.get('location')).toBe(submitted.status_url);

    const seen: number[] = [];
    const done = await pollUntilDone(submitted.job_id, seen);
    expect(done.status, stack.logs()).toBe('completed');
    expect(done.progress).toEqual({ done: 5000, total: 5000 });
    expect(done.result.total).toBe(5000);
    expect(done.result.predictions).toHaveLength(5000);
    expect(done.finished_at).not.toBeNull();
    // Progress only moves forward and was seen between the ends.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.some((d) => d > 0 && d < 5000)).toBe(true);

    const [count] = await stack.sql<{ n: string; distinct_items: string }>(
      'select count(*) as n, count(distinct item_index) as distinct_items from {schema}.predictions where job_id = ?',
      [submitted.job_id],
    );
    expect(Number(count!.n)).toBe(5000);
    expect(Number(count!.distinct_items)).toBe(5000);
  });

  it('answers 202 when the sync wait runs out, and polling reaches completed', async () => {
    const impatient = await stack.startApi({ SYNC_TIMEOUT_MS: '1' });
    const { status, body, headers } = await postJson(`${impatient.url}/batch`, {
      texts: Array.from({ length: 100 }, (_, i) => `sentence ${i} was a pleasant surprise`),
    });
    expect(status).toBe(202);
    expect(headers.get('location')).toBe(`/jobs/${body.job_id}`);
    const done = await pollUntilDone(body.job_id);
    expect(done.status).toBe('completed');
    expect(done.result.predictions).toHaveLength(100);
  });

  it('Prefer: respond-async returns 202 at once for /predict', async () => {
    const res = await postJson(`${stack.url}/predict`, { text: 'fine' }, { prefer: 'respond-async' });
    expect(res.status).toBe(202);
    const done = await pollUntilDone(res.body.job_id);
    expect(done.result.predictions[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('404s an unknown job id', async () => {
    const err = await client.status('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(404);
    expect((err as ApiError).code).toBe('not_found');
  });
});
