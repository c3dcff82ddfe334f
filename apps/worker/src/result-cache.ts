import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SENTIMENTS, type Sentiment } from '@sentiment/core';
import { createRedisConnection, describeRedisTarget, type RedisTarget } from '@sentiment/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** What the model answered for a text; a hit returns exactly this. */
export interface CachedPrediction {
  sentiment: Sentiment;
  confidence: number;
}

export interface CacheLookup {
  /** One entry per looked-up text: the cached answer, or undefined (a miss, or Redis failed). */
  hits: Array<CachedPrediction | undefined>;
  /** One key per looked-up text, to store the model's answers under once the misses are predicted. */
  keys: string[];
  /** Wall time of the lookup (one round trip), in ms: the latency_ms of its hits. */
  latencyMs: number;
}

export interface ResultCache {
  /** One MGET for all `texts`. Never throws: with Redis failing, every text is a miss. */
  /** `scope`: the job's cacheScope; entries of one scope are never seen from another. */
  lookup(texts: readonly string[], scope?: string): Promise<CacheLookup>;
  /** Every entry SET with the TTL by one script call: one round trip, one command. Never throws. */
  store(entries: ReadonlyArray<{ key: string; prediction: CachedPrediction }>): Promise<void>;
  close(): Promise<void>;
}

export interface ResultCacheOptions {
  /** REDIS_URL, or the sentinels to ask for the current primary (config.redis). */
  redis: RedisTarget;
  /** The BullMQ prefix, so that one deployment's (or one test's) keys can be removed together. */
  prefix: string;
  /** Part of the key: a new model never sees an old model's answers. */
  modelVersion: string;
  /** Seconds an answer stays cached (> 0). */
  ttlS: number;
  logger: Logger;
  /** Slower answers count as a failure (fall back to the model). Default 250 ms. */
  timeoutMs?: number;
  /** Called once per lookup (for metrics); texts whose lookup failed count as misses. */
  onLookup?: (hits: number, misses: number) => void;
}

/**
 * The same text in another Unicode form or with other spacing is the same input. Not lowercased:
 * a cased model may answer differently for "GREAT" and "great".
 */
export function normalizeText(text: string): string {
  const nfc = text.normalize('NFC');
  // Most texts have nothing to collapse: the test is cheaper than trim() + replace() building copies.
  return NEEDS_SPACING.test(nfc) ? nfc.trim().replace(/\s+/g, ' ') : nfc;
}
/** Whitespace that is not a single inner space: what trim() and the collapse would change. */
const NEEDS_SPACING = /[^\S ]|\s\s|^\s|\s$/;

/** `<prefix>:cache:<model version>:<sha256 of the normalized text>`, with `<scope>:` before the hash when scoped. */
export function cacheKey(prefix: string, modelVersion: string, text: string, scope?: string): string {
  // crypto.hash: one call, no Hash object per text (a 10,000-text job hashes them all as it arrives).
  return `${prefix}:cache:${modelVersion}:${scope ? `${scope}:` : ''}${hash('sha256', normalizeText(text), 'hex')}`;
}

// JSON keeps the confidence exact: a number is written as the shortest string that reads back to it.
const encode = (p: CachedPrediction) => JSON.stringify([p.sentiment, p.confidence]);

function decode(value: string | null): CachedPrediction | undefined {
  if (value === null) return undefined;
  try {
    const [sentiment, confidence] = JSON.parse(value) as [unknown, unknown];
    if (SENTIMENTS.includes(sentiment as Sentiment) && typeof confidence === 'number') {
      return { sentiment: sentiment as Sentiment, confidence };
    }
  } catch {
    // A foreign or corrupt value is a miss; the model's answer overwrites it.
  }
  return undefined;
}

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * SET key value EX ttl for each key: KEYS are the keys, ARGV[1] the TTL, ARGV[i + 1] the value of KEYS[i].
 * One command for the whole batch: a pipeline of one SET per entry costs the worker several times the CPU
 * (ioredis builds a command, a promise and a reply per entry; docs/benchmarks.md, "Where the time goes").
 */
const SET_EACH_EX = `for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1]) end
return #KEYS`;

type CacheRedis = Redis & { setEachEx(keyCount: number, ...keysTtlValues: (string | number)[]): Promise<number> };

/**
 * Redis cache of model answers keyed by normalized text and model version. It has its own connection,
 * which fails fast (no offline queue, no retries, a command timeout) instead of waiting for Redis like
 * BullMQ's: a cache that is down or slow only means the model runs. The outage is logged once.
 */
export function createResultCache(opts: ResultCacheOptions): ResultCache {
  const { prefix, modelVersion, ttlS, logger, onLookup } = opts;
  const redis = createRedisConnection(opts.redis, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.timeoutMs ?? 250,
  }) as CacheRedis;
  redis.defineCommand('setEachEx', { lua: SET_EACH_EX });
  let down = false;
  const markDown = (err: unknown) => {
    if (down) return;
    down = true;
    logger.warn({ err, redis: describeRedisTarget(opts.redis) }, 'result cache unavailable; predicting every text until it is back');
  };
  const markUp = () => {
    if (!down) return;
    down = false;
    logger.info('result cache available again');
  };
  redis.on('error', markDown);
  redis.on('ready', markUp);

  return {
    async lookup(texts, scope) {
      const started = performance.now();
      const keys = texts.map((t) => cacheKey(prefix, modelVersion, t, scope));
      let hits: Array<CachedPrediction | undefined> = new Array(texts.length).fill(undefined);
      // Not connected (starting, or down): a miss without a round trip; the 'error' event logs the outage.
      if (redis.status === 'ready' && keys.length > 0) {
        try {
          hits = (await redis.mget(keys)).map(decode);
          markUp();
        } catch (err) {
          markDown(err);
        }
      }
      const found = hits.reduce((n, h) => (h ? n + 1 : n), 0);
      onLookup?.(found, texts.length - found);
      return { hits, keys, latencyMs: round3(performance.now() - started) };
    },
    async store(entries) {
      if (entries.length === 0 || redis.status !== 'ready') return;
      try {
        await redis.setEachEx(entries.length, ...entries.map((e) => e.key), ttlS, ...entries.map((e) => encode(e.prediction)));
        markUp();
      } catch (err) {
        markDown(err);
      }
    },
    async close() {
      redis.removeAllListeners('error');
      redis.on('error', () => {});
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
