import { DEFAULT_MODELS_FILE, readModelsFile } from '@sentiment/registry';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has working defaults for local development', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      redis: { url: 'redis://127.0.0.1:6379' },
      database: { clientUrl: 'postgresql://postgres@127.0.0.1:5432/postgres', schema: undefined, connectTimeoutMs: 5000, statementTimeoutMs: 15_000, batchSize: 2000, analyticsMaxLagS: 30 },
      queuePrefix: 'bull',
      registry: readModelsFile(DEFAULT_MODELS_FILE),
      syncTimeoutMs: 2000,
      resultTtlS: 3600,
      bodyLimit: '16mb',
      shutdownTimeoutMs: 10_000,
      heapGrowingPercent: 25,
      logLevel: 'info',
      production: false,
      admin: undefined,
      apiKeys: [],
      rateLimitPerMinute: 600,
      trustProxy: false,
      maxQueueDepth: 200_000,
      cacheScope: 'client',
      corsOrigins: [],
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://redis:6379/2',
      DATABASE_URL: 'postgres://app:pw@db:5432/sentiment',
      DATABASE_SCHEMA: 'analytics',
      QUEUE_PREFIX: 'prod',
      SYNC_TIMEOUT_MS: '500',
      RESULT_TTL_S: '60',
      BODY_LIMIT: '2mb',
      SHUTDOWN_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({ port: 8080, database: { schema: 'analytics' }, syncTimeoutMs: 500, bodyLimit: '2mb', logLevel: 'debug' });
  });

  it('reads Redis Sentinel settings: both or neither, REDIS_URL keeping the credentials, never echoing them', () => {
    const config = loadConfig({ REDIS_URL: 'redis://:pw@ignored:6379/3', REDIS_SENTINELS: 's1:26379, s2:26380,s3', REDIS_SENTINEL_NAME: 'mymaster' });
    expect(config.redis).toEqual({
      url: 'redis://:pw@ignored:6379/3',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: 's3', port: 26379 },
      ],
      sentinelName: 'mymaster',
    });
    expect(loadConfig({ REDIS_SENTINELS: '', REDIS_SENTINEL_NAME: ' ' }).redis).toEqual({ url: 'redis://127.0.0.1:6379' });
    let error: unknown;
    try {
      loadConfig({ REDIS_URL: 'redis://:hunter2-secret@r:6379', REDIS_SENTINELS: 's1:26379', PORT: 'eighty' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('REDIS_SENTINEL_NAME=unset: set both REDIS_SENTINELS and REDIS_SENTINEL_NAME, or neither');
    expect(message).toContain('PORT');
    expect(message).not.toContain('hunter2');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).port).toBe(3000);
  });

  it('reports every bad variable in one error', () => {
    const bad = {
      PORT: 'eighty',
      REDIS_URL: 'http://not-redis',
      DATABASE_URL: 'nonsense',
      SYNC_TIMEOUT_MS: '-1',
      BODY_LIMIT: 'huge',
      LOG_LEVEL: 'loud',
    };
    let error: unknown;
    try {
      loadConfig(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of Object.keys(bad)) expect((error as Error).message).toContain(name);
  });
});
