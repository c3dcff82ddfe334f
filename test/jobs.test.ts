// Submit-and-poll: big jobs report progress, slow answers fall back to 202 and polling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startStack, type Stack } from './support/stack.js';
import { waitFor } from './support/processes.js';

let stack: Stack;
beforeAll(async () => {
  // Small chunks so a 5,000-text job reports many progress steps.
  stack = await startStack('jobs', { workerEnv: { CHUNK_SIZE: '100' } });
});
afterAll(async () => {
  await stack?.stop();
});

async function pollUntilDone(statusUrl: string, seen: number[] = []) {
  return waitFor(
    `${statusUrl} to finish`,
    async () => {
      const { body } = await getJson(`${stack.url}${statusUrl}`);
      seen.push(body.progress.done);
      return body.status === 'completed' || body.status === 'failed' ? body : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 25 },
  );
}

describe('POST /jobs', () => {
  it('runs 5,000 texts with moving progress and stores 5,000 rows', async () => {
    const texts = Array.from({ length: 5000 }, (_, i) => `text number ${i} is ${i % 3 === 0 ? 'bad' : 'good'}`);
    const submitted = await postJson(`${stack.url}/jobs`, { texts });
    expect(submitted.status, stack.logs()).toBe(202);
    expect(submitted.body).toMatchObject({ status: 'queued', total: 5000 });
    expect(submitted.headers.get('location')).toBe(submitted.body.status_url);

    const seen: number[] = [];
    const done = await pollUntilDone(submitted.body.status_url, seen);
    expect(done.status, stack.logs()).toBe('completed');
    expect(done.progress).toEqual({ done: 5000, total: 5000 });
    expect(done.result.total).toBe(5000);
    expect(done.result.predictions).toHaveLength(5000);
    expect(done.finished_at).not.toBeNull();
    // Progress only moves forward and was seen between the ends.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.some((d) => d > 0 && d < 5000)).toBe(true);

    const [count] = await stack.sql<{ n: string; distinct_items: string }>(
      'select count(*) as n, count(distinct item_index) as distinct_items from {schema}.prediction where job_id = ?',
      [submitted.body.job_id],
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
    const done = await pollUntilDone(body.status_url);
    expect(done.status).toBe('completed');
    expect(done.result.predictions).toHaveLength(100);
  });

  it('Prefer: respond-async returns 202 at once for /predict', async () => {
    const res = await postJson(`${stack.url}/predict`, { text: 'fine' }, { prefer: 'respond-async' });
    expect(res.status).toBe(202);
    const done = await pollUntilDone(res.body.status_url);
    expect(done.result.predictions[0].id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('404s an unknown job id', async () => {
    const res = await getJson(`${stack.url}/jobs/00000000-0000-4000-8000-000000000000`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
