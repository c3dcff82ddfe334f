// The workers' result cache end to end: HTTP → BullMQ → worker (Redis cache, real model) → Postgres.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startStack, type Stack } from './support/stack.js';
import { waitFor } from './support/processes.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('cache');
});
afterAll(async () => {
  await stack?.stop();
});

const tag = () => randomBytes(4).toString('hex');

interface Row {
  id: string;
  cache_hit: boolean;
  predicted_sentiment: string;
  confidence_score: number;
  input_text: string;
}

/** The stored rows with these ids (waits until all are there), in the ids' order. */
async function rowsOf(ids: string[]): Promise<Row[]> {
  const rows = await waitFor(`${ids.length} rows`, async () => {
    const r = await stack.sql<Row>('select id, cache_hit, predicted_sentiment, confidence_score, input_text from {schema}.predictions where id in (?)', [ids]);
    return r.length === ids.length ? r : undefined;
  });
  return ids.map((id) => rows.find((r) => r.id === id)!);
}

describe('result cache (CACHE_TTL_S default)', () => {
  it('answers the same text again from the cache, identically, and logs both predictions', async () => {
    const text = `An absolute joy to watch, ${tag()}.`;
    const first = await postJson(`${stack.url}/predict`, { text });
    expect(first.status, stack.logs()).toBe(200);
    expect(first.body.cache_hit).toBe(false);

    // The same text with other spacing: still the same input.
    const second = await postJson(`${stack.url}/predict`, { text: `  ${text.replace(' ', ' \t ')}` });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      cache_hit: true,
      sentiment: first.body.sentiment,
      confidence: first.body.confidence,
      model_version: first.body.model_version,
    });
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.latency_ms).toBeGreaterThanOrEqual(0);

    const [r1, r2] = await rowsOf([first.body.id, second.body.id]);
    expect(r1).toMatchObject({ cache_hit: false, input_text: text, predicted_sentiment: first.body.sentiment });
    expect(r2).toMatchObject({ cache_hit: true, predicted_sentiment: first.body.sentiment, confidence_score: first.body.confidence });
  });

  it('mixes hits and misses within one /batch, in input order', async () => {
    const seen = `a dull, tedious and painful waste of time ${tag()}`;
    await postJson(`${stack.url}/predict`, { text: seen });
    const texts = [`a wonderful film ${tag()}`, seen, `SHOUTING ${seen}`, seen];
    const { status, body } = await postJson(`${stack.url}/batch`, { texts });
    expect(status).toBe(200);
    expect(body.predictions.map((p: { cache_hit: boolean }) => p.cache_hit)).toEqual([false, true, false, true]);
    const rows = await rowsOf(body.predictions.map((p: { id: string }) => p.id));
    expect(rows.map((r) => r.cache_hit)).toEqual([false, true, false, true]);
    expect(rows.map((r) => r.input_text)).toEqual(texts);
  });
});

describe('cache scope with API keys', () => {
  const KEY_A = 'client-a-key-0123456789abcdef';
  const KEY_B = 'client-b-key-0123456789abcdef';
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  it('CACHE_SCOPE=client (the default): one client never gets a cache hit for what another sent', async () => {
    const api = await stack.startApi({ API_KEYS: `${KEY_A},${KEY_B}` });
    const text = `My account number is 55-${tag()} and my card was declined.`;
    const a1 = await postJson(`${api.url}/predict`, { text }, as(KEY_A));
    expect(a1.status, stack.logs()).toBe(200);
    expect(a1.body.cache_hit).toBe(false);
    const b1 = await postJson(`${api.url}/predict`, { text }, as(KEY_B));
    expect(b1.body.cache_hit).toBe(false); // B learns nothing about A's text
    const a2 = await postJson(`${api.url}/predict`, { text }, as(KEY_A));
    expect(a2.body.cache_hit).toBe(true); // A still gets its own hits
    expect(a2.body.sentiment).toBe(a1.body.sentiment);
  });

  it('CACHE_SCOPE=shared: one cache for all clients, by choice', async () => {
    const api = await stack.startApi({ API_KEYS: `${KEY_A},${KEY_B}`, CACHE_SCOPE: 'shared' });
    const text = `Shared cache check ${tag()}, all good.`;
    expect((await postJson(`${api.url}/predict`, { text }, as(KEY_A))).body.cache_hit).toBe(false);
    expect((await postJson(`${api.url}/predict`, { text }, as(KEY_B))).body.cache_hit).toBe(true);
  });
});

describe('result cache off (CACHE_TTL_S=0)', () => {
  it('never hits, and every prediction is still stored', async () => {
    await Promise.all(stack.workers.map((w) => w.stop()));
    await waitFor('no worker connected', async () => {
      const body = (await (await fetch(`${stack.url}/ready`)).json()) as { checks?: { workers?: number } };
      return (body.checks?.workers ?? 0) === 0;
    });
    stack.startWorker({ CACHE_TTL_S: '0' });
    await stack.waitReady(1);

    const text = `Brilliant, moving and beautifully shot ${tag()}`;
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const { status, body } = await postJson(`${stack.url}/predict`, { text });
      expect(status, stack.logs()).toBe(200);
      answers.push(body);
    }
    expect(answers.map((a) => a.cache_hit)).toEqual([false, false, false]);
    const rows = await rowsOf(answers.map((a) => a.id));
    expect(rows.map((r) => r.cache_hit)).toEqual([false, false, false]);
  });
});
