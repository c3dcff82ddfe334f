// The synchronous paths end to end: HTTP → BullMQ → worker (real model) → Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '@sentiment/client';
import { startStack, type Stack } from './support/stack.js';
import { waitFor } from './support/processes.js';

let stack: Stack;
let client: Client;
/** Every HTTP status the client got, in order (a 202 would show up here, then the polls). */
let statuses: number[] = [];
beforeAll(async () => {
  stack = await startStack('predict');
  client = createClient({ baseUrl: stack.url, onResponse: ({ status }) => statuses.push(status) });
});
afterAll(async () => {
  await stack?.stop();
});

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /predict', () => {
  it('answers 200 with the prediction and stores exactly that row', async () => {
    statuses = [];
    const body = await client.predict('an absolute joy to watch');
    expect(statuses, stack.logs()).toEqual([200]);
    expect(body).toMatchObject({ sentiment: 'positive', cache_hit: false });
    expect(body.id).toMatch(uuid);
    expect(body.confidence).toBeGreaterThan(0.5);
    expect(body.latency_ms).toBeGreaterThan(0);
    expect(body.model_version).toMatch(/^sentiment-multi-v2\+[0-9a-f]{8}$/);

    const rows = await waitFor('the row', async () => {
      const r = await stack.sql('select * from {schema}.predictions where id = ?', [body.id]);
      return r.length === 1 ? r : undefined;
    });
    expect(rows[0]).toMatchObject({
      input_text: 'an absolute joy to watch',
      predicted_sentiment: 'positive',
      model_version: body.model_version,
      item_index: 0,
    });
    expect(rows[0]!.confidence_score).toBeCloseTo(body.confidence, 6);
  });

  it('classifies a clearly negative review as negative', async () => {
    statuses = [];
    const body = await client.predict('a thoroughly awful, boring mess');
    expect(statuses).toEqual([200]);
    expect(body.sentiment).toBe('negative');
  });

  it('answers every class through the worker on clear cases: a plain statement is neutral', async () => {
    const cases = {
      'The package arrived on Tuesday.': 'neutral',
      '@user my flight got cancelled again and nobody at the desk can help. Worst airline ever.': 'negative',
      'Great value for the price, I would buy it again! 😍': 'positive',
    } as const;
    for (const [text, sentiment] of Object.entries(cases)) {
      const body = await client.predict(text);
      expect(body.sentiment, text).toBe(sentiment);
      expect(body.confidence).toBeGreaterThan(1 / 3);
    }
  });
});

describe('POST /batch', () => {
  it('returns 100 predictions in input order and stores 100 rows', async () => {
    const texts = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0 ? `review ${i}: a wonderful, moving and beautifully acted film` : `review ${i}: a dull, tedious and painful waste of time`,
    );
    statuses = [];
    const body = await client.batch(texts);
    expect(statuses, stack.logs()).toEqual([200]);
    expect(body.total).toBe(100);
    expect(body.predictions).toHaveLength(100);
    body.predictions.forEach((p, i) =>
      expect(p.sentiment, `item ${i}`).toBe(i % 2 === 0 ? 'positive' : 'negative'),
    );
    const ids = body.predictions.map((p) => p.id);
    const rows = await waitFor('100 rows', async () => {
      const r = await stack.sql<{ id: string; item_index: number; input_text: string }>(
        'select id, item_index, input_text from {schema}.predictions where id in (?) order by item_index',
        [ids],
      );
      return r.length === 100 ? r : undefined;
    });
    rows.forEach((row, i) => {
      expect(row.item_index).toBe(i);
      expect(row.input_text).toBe(texts[i]);
      expect(row.id).toBe(ids[i]);
    });
  });
});

describe('analytics over what the pipeline stored', () => {
  it('summary and distribution equal SQL over the stored rows', async () => {
    await client.batch(['great fun', 'terrible acting', 'a masterpiece']);
    const [sql] = await stack.sql<{ n: string; conf: number; lat: number }>(
      'select count(*) as n, avg(confidence_score) as conf, avg(latency_ms) as lat from {schema}.predictions',
    );
    const summary = await client.analytics.summary();
    expect(summary.total_predictions).toBe(Number(sql!.n));
    expect(summary.avg_confidence).toBeCloseTo(Number(sql!.conf), 9);
    expect(summary.avg_latency_ms).toBeCloseTo(Number(sql!.lat), 6);

    const byLabel = await stack.sql<{ s: string; n: string }>(
      'select predicted_sentiment as s, count(*) as n from {schema}.predictions group by 1',
    );
    const expected = { positive: 0, negative: 0, neutral: 0, ...Object.fromEntries(byLabel.map((r) => [r.s, Number(r.n)])) };
    expect(await client.analytics.distribution()).toEqual(expected);

    const recent = await client.analytics.recent({ limit: 5 });
    expect(recent.items).toHaveLength(5);
    expect(recent.items[0]).not.toHaveProperty('input_text');
  });
});
