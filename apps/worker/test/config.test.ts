import { DEFAULT_MODELS_FILE } from '@sentiment/registry';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      redis: { url: 'redis://127.0.0.1:6379' },
      queuePrefix: 'bull',
      registry: { origin: DEFAULT_MODELS_FILE },
      serveModels: ['sentiment-multi-v2', 'sentiment-sst2-v1'],
      allowRemoteModels: false,
      intraOpThreads: 1,
      inferenceNiceness: 10,
      interactiveThreads: 1,
      heapGrowingPercent: 0,
      maxBatchSize: 32,
      maxBatchWaitMs: 5,
      batchSortWindow: 8,
      workerConcurrency: 64,
      chunkSize: 256,
      storeInputText: true,
    });
    expect(c.inferenceThreads).toBeGreaterThanOrEqual(1);
  });

  it('reports every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ MAX_BATCH_SIZE: 'lots', STORE_INPUT_TEXT: 'maybe', REDIS_URL: 'nope', MODEL_DIR: '/m', MODEL_ID: 'x/y', HEAP_GROWING_PERCENT: '301' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['MAX_BATCH_SIZE', 'STORE_INPUT_TEXT', 'REDIS_URL', 'MODEL_ID', 'HEAP_GROWING_PERCENT']) expect(problems).toContain(name);
  });

  it('never echoes a value that may hold a secret, such as a password in DATABASE_URL', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://app:hunter2-secret@db/x', MAX_BATCH_SIZE: 'lots' });
    } catch (e) {
      error = e;
    }
    const message = (error as ConfigError).message;
    expect(message).toMatch(/DATABASE_URL=\(\d+ characters, not shown\)/);
    expect(message).not.toContain('hunter2');
    expect(message).toContain('MAX_BATCH_SIZE="lots"');
  });

  it('needs keys to store input texts in production, reads them from the environment or a file, never echoes them', async () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/INPUT_TEXT_KEYS=unset: required in production while STORE_INPUT_TEXT=true/);
    expect(loadConfig({ NODE_ENV: 'production', STORE_INPUT_TEXT: 'false' }).inputTextKeys).toBeUndefined();
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ NODE_ENV: 'production', INPUT_TEXT_KEYS: `k1:${key}` }).inputTextKeys?.map((k) => k.id)).toEqual(['k1']);
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = `${mkdtempSync(`${tmpdir()}/keys-`)}/keys`;
    writeFileSync(file, `new:${key}\nold:${Buffer.alloc(32, 9).toString('base64')}\n`);
    expect(loadConfig({ INPUT_TEXT_KEYS_FILE: file }).inputTextKeys?.map((k) => k.id)).toEqual(['new', 'old']);
    const short = Buffer.alloc(16, 1).toString('base64');
    let message = '';
    try {
      loadConfig({ INPUT_TEXT_KEYS: `k1:${short}` });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/INPUT_TEXT_KEYS: key 1 \(k1\): expected 32 bytes/);
    expect(message).not.toContain(short);
  });

  it('reads Redis Sentinel settings, both or neither', () => {
    expect(loadConfig({ REDIS_SENTINELS: '10.0.0.1:26379,[::1]:26380', REDIS_SENTINEL_NAME: 'queue' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      sentinelName: 'queue',
    });
    expect(() => loadConfig({ REDIS_SENTINEL_NAME: 'queue' })).toThrow(/REDIS_SENTINELS=unset: set both REDIS_SENTINELS and REDIS_SENTINEL_NAME, or neither/);
    expect(() => loadConfig({ REDIS_SENTINELS: 's1:99999', REDIS_SENTINEL_NAME: 'queue' })).toThrow(/REDIS_SENTINELS="s1:99999": expected host:port items/);
  });

  it('reads a hub model and treats empty variables as unset', () => {
    const c = loadConfig({ MODEL_ID: 'acme/sst2', ALLOW_REMOTE_MODELS: 'true', INFERENCE_THREADS: '', STORE_INPUT_TEXT: 'false' });
    expect([...c.registry.models]).toEqual([['sst2', { source: { hub: 'acme/sst2' } }]]);
    expect(c.registry.routing.aliases).toEqual({ stable: 'sst2' });
    expect(c.serveModels).toEqual(['sst2']);
    expect(c.allowRemoteModels).toBe(true);
    expect(c.storeInputText).toBe(false);
  });
});
