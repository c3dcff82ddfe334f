// The result cache against the real Redis, and the batcher using it with the real model and Postgres.
import { createPredictionWriter } from '@sentiment/db';
import type { Classifier } from '@sentiment/model';
import { PERSIST_QUEUE, predictionId } from '@sentiment/queue';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatcher } from '../src/batcher.js';
import { cacheKey, createResultCache, normalizeText, type ResultCache } from '../src/result-cache.js';
import { createRowSink } from '../src/row-sink.js';
import { loadTestClassifier, texts } from './support/model.js';
import { createTestSchema, obliterateAll, redisConnection, TEST_REDIS_URL, testLogger, uniqueId, type TestSchema } from './support/services.js';

/** A port nothing listens on: the cache's connection is really refused. */
const UNREACHABLE_REDIS_URL = 'redis://127.0.0.1:1';

let classifier: Classifier;
let db: TestSchema;
let redis: Redis;
let persistQueue: Queue;
const prefix = `test-cache-${uniqueId()}`;
const caches: ResultCache[] = [];

beforeAll(async () => {
  [classifier, db] = await Promise.all([loadTestClassifier(2), createTestSchema()]);
  redis = redisConnection();
  persistQueue = new Queue(PERSIST_QUEUE, { connection: redis, prefix });
});

afterAll(async () => {
  await Promise.all(caches.map((c) => c.close()));
  for await (const keys of redis.scanStream({ match: `${prefix}:cache:*`, count: 1000 })) {
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  }
  await obliterateAll([persistQueue]);
  await redis.quit();
  await Promise.all([classifier?.close(), db?.drop()]);
});

/** A cache whose connection is ready (the first lookups would otherwise be misses while it connects). */
async function openCache(opts: { url?: string; modelVersion?: string; ttlS?: number; logger?: pino.Logger } = {}) {
  const counts = { hits: 0, misses: 0 };
  const cache = createResultCache({
    redis: { url: opts.url ?? TEST_REDIS_URL },
    prefix,
    modelVersion: opts.modelVersion ?? 'model-a',
    ttlS: opts.ttlS ?? 60,
    logger: opts.logger ?? testLogger,
    onLookup: (h, m) => ((counts.hits += h), (counts.misses += m)),
  });
  caches.push(cache);
  if (!opts.url) {
    // Wait until a lookup really reaches Redis: a stored answer comes back.
    const probe = `probe ${uniqueId()}`;
    const key = cacheKey(prefix, opts.modelVersion ?? 'model-a', probe);
    await redis.set(key, JSON.stringify(['neutral', 0.5]), 'EX', 60);
    await expect.poll(async () => (await cache.lookup([probe])).hits[0]?.sentiment).toBe('neutral');
    counts.hits = counts.misses = 0;
  }
  return { cache, counts };
}

describe('normalizeText / cacheKey', () => {
  it('treats Unicode forms and spacing alike, but keeps case', () => {
    expect(normalizeText('  Cafe\u0301 \t was\n\n  great\u00a0! ')).toBe('Café was great !');
    expect(normalizeText('GREAT')).toBe('GREAT');
    const key = cacheKey('bull', 'm+1234', 'Café  was great');
    expect(key).toMatch(/^bull:cache:m\+1234:[0-9a-f]{64}$/);
    expect(cacheKey('bull', 'm+1234', ' Cafe\u0301 was great')).toBe(key);
    expect(cacheKey('bull', 'm+1234', 'café was great')).not.toBe(key);
    expect(cacheKey('bull', 'other', 'Café was great')).not.toBe(key);
  });

  it('normalizes every kind of spacing the way trim() and collapsing \\s+ do, including texts that need neither', () => {
    const spaces = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028', ' \u00a0 '];
    const texts = ['plain text', 'x', '', ...spaces.flatMap((s) => [`${s}lead`, `trail${s}`, `in${s}side`, `${s}all${s}of${s}it${s}`, s])];
    for (const text of texts) expect(normalizeText(text)).toBe(text.normalize('NFC').trim().replace(/\s+/g, ' '));
  });
});

describe('result cache (real Redis)', () => {
  it('misses, then returns exactly the stored answer for the same normalized text and model, with the TTL set', async () => {
    const { cache, counts } = await openCache({ ttlS: 120 });
    const t = `a fine film ${uniqueId()}`;
    const first = await cache.lookup([t, `${t}!`]);
    expect(first.hits).toEqual([undefined, undefined]);
    expect(counts).toEqual({ hits: 0, misses: 2 });

    const confidence = 0.987654321012345;
    await cache.store([{ key: first.keys[0]!, prediction: { sentiment: 'positive', confidence } }]);
    const second = await cache.lookup([`  ${t.replace(' ', '   ')} `, `${t}!`, t.toUpperCase()]);
    expect(second.hits[0]).toEqual({ sentiment: 'positive', confidence });
    expect(second.hits[0]!.confidence).toBe(confidence);
    expect(second.hits.slice(1)).toEqual([undefined, undefined]);
    expect(second.latencyMs).toBeGreaterThanOrEqual(0);
    expect(counts).toEqual({ hits: 1, misses: 4 });

    const ttl = await redis.ttl(first.keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);

    // Another model version never sees this answer.
    const { cache: other } = await openCache({ modelVersion: 'model-b' });
    expect((await other.lookup([t])).hits).toEqual([undefined]);
  });

  it('treats a corrupt value as a miss', async () => {
    const { cache } = await openCache();
    const t = `corrupt ${uniqueId()}`;
    await redis.set(cacheKey(prefix, 'model-a', t), 'not json', 'EX', 60);
    expect((await cache.lookup([t])).hits).toEqual([undefined]);
  });

  it('with Redis unreachable, every text is a miss, nothing throws, and the outage is logged once', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const { cache, counts } = await openCache({ url: UNREACHABLE_REDIS_URL, logger });
    for (let i = 0; i < 5; i++) {
      const lookup = await cache.lookup(['a', 'b', 'c']);
      expect(lookup.hits).toEqual([undefined, undefined, undefined]);
      await cache.store(lookup.keys.map((key) => ({ key, prediction: { sentiment: 'positive', confidence: 0.9 } })));
      await new Promise((r) => setTimeout(r, 50)); // lets ioredis fail and retry its connection meanwhile
    }
    expect(counts).toEqual({ hits: 0, misses: 15 });
    expect(lines.filter((l) => l.includes('result cache unavailable'))).toHaveLength(1);
  });
});

describe('batcher with the result cache', () => {
  async function setup(cache: ResultCache) {
    const calls: string[][] = [];
    const recording: Classifier = { info: classifier.info, predict: (t) => (calls.push(t), classifier.predict(t)), close: async () => {} };
    const sink = createRowSink({ writer: createPredictionWriter(db.orm), persistQueue, logger: testLogger });
    const batcher = createBatcher(
      { classifier: recording, sink, logger: testLogger, cache },
      { maxBatchSize: 8, maxWaitMs: 5, maxInflight: 2, storeInputText: true },
    );
    return { batcher, calls };
  }

  const storedRows = (jobId: string) =>
    db.orm.em
      .getConnection()
      .execute<Array<{ item_index: number; cache_hit: boolean; confidence_score: number; predicted_sentiment: string; input_text: string }>>(
        `select item_index, cache_hit, confidence_score, predicted_sentiment, input_text from "${db.schema}".predictions where job_id = ? order by item_index`,
        [jobId],
      );

  it('answers repeats from the cache without the model, identically, and still stores every row', async () => {
    const { cache, counts } = await openCache({ modelVersion: classifier.info.version });
    const { batcher, calls } = await setup(cache);
    const fresh = texts(12, `rc${uniqueId()}-`);
    const first = await batcher.submit({ jobId: `job-${uniqueId()}`, startIndex: 0, texts: fresh });
    expect(first.every((r) => !r.cache_hit)).toBe(true);
    expect(calls.flat()).toHaveLength(12);

    // Half repeats (with other spacing), half new.
    const mixed = [...fresh.slice(0, 6).map((t) => `  ${t.replaceAll(' ', '  ')}`), ...texts(6, `rd${uniqueId()}-`)];
    const jobId = `job-${uniqueId()}`;
    calls.length = 0;
    const second = await batcher.submit({ jobId, startIndex: 10, texts: mixed });
    expect(calls.flat()).toEqual(mixed.slice(6));
    expect(counts).toEqual({ hits: 6, misses: 18 });
    second.forEach((r, i) => {
      expect(r.id).toBe(predictionId(jobId, 10 + i));
      expect(r.cache_hit).toBe(i < 6);
      expect(r.model_version).toBe(classifier.info.version);
      if (i < 6) {
        expect(r.sentiment).toBe(first[i]!.sentiment);
        expect(r.confidence).toBe(first[i]!.confidence);
      }
    });

    const rows = await storedRows(jobId);
    expect(rows.map((r) => r.item_index)).toEqual(mixed.map((_, i) => 10 + i));
    expect(rows.map((r) => r.cache_hit)).toEqual(mixed.map((_, i) => i < 6));
    rows.forEach((row, i) => {
      expect(row.input_text).toBe(mixed[i]); // the text as sent, not its normalized form
      expect(row.predicted_sentiment).toBe(second[i]!.sentiment);
      expect(row.confidence_score).toBe(second[i]!.confidence);
    });
    await batcher.drain();
  });

  it('keeps predicting with the model when the cache is unreachable', async () => {
    const { cache } = await openCache({ url: UNREACHABLE_REDIS_URL, modelVersion: classifier.info.version });
    const { batcher, calls } = await setup(cache);
    const jobId = `job-${uniqueId()}`;
    const batch = texts(10, `ru${uniqueId()}-`);
    await batcher.submit({ jobId: `job-${uniqueId()}`, startIndex: 0, texts: batch });
    const again = await batcher.submit({ jobId, startIndex: 0, texts: batch });
    expect(again.every((r) => !r.cache_hit)).toBe(true);
    expect(calls.flat()).toHaveLength(20);
    expect(await storedRows(jobId)).toHaveLength(10);
  });
});
