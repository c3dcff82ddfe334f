import { describe, expect, it } from 'vitest';
import { ConfigError, readEnv, RedisEnv, redisSentinelProblems, redisSettings } from '../src/index.js';

const read = (env: Record<string, string>) => readEnv(RedisEnv, env, 'test', redisSentinelProblems(env));

describe('Redis Sentinel settings', () => {
  it('reads the sentinel list (default port 26379, IPv6 in brackets, blanks ignored) and the master name', () => {
    const e = read({ REDIS_SENTINELS: ' a:1 , b ,[fd00::7]:26380,', REDIS_SENTINEL_NAME: 'main' });
    expect(redisSettings(e)).toEqual({
      url: 'redis://127.0.0.1:6379',
      sentinels: [
        { host: 'a', port: 1 },
        { host: 'b', port: 26379 },
        { host: 'fd00::7', port: 26380 },
      ],
      sentinelName: 'main',
    });
  });

  it('without them: REDIS_URL alone', () => {
    expect(redisSettings(read({ REDIS_URL: 'rediss://r:6380/1' }))).toEqual({ url: 'rediss://r:6380/1' });
    expect(redisSettings(read({ REDIS_SENTINELS: ' ', REDIS_SENTINEL_NAME: '' }))).toEqual({ url: 'redis://127.0.0.1:6379' });
  });

  it('wants both or neither', () => {
    expect(redisSentinelProblems({})).toEqual([]);
    expect(redisSentinelProblems({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm' })).toEqual([]);
    expect(redisSentinelProblems({ REDIS_SENTINELS: 'a:1' })).toEqual(['REDIS_SENTINEL_NAME=unset: set both REDIS_SENTINELS and REDIS_SENTINEL_NAME, or neither']);
    expect(redisSentinelProblems({ REDIS_SENTINEL_NAME: 'm', REDIS_SENTINELS: '  ' })).toEqual(['REDIS_SENTINELS=unset: set both REDIS_SENTINELS and REDIS_SENTINEL_NAME, or neither']);
    expect(() => read({ REDIS_SENTINEL_NAME: 'm' })).toThrow(ConfigError);
  });

  it('refuses malformed addresses and names, naming the item, never echoing REDIS_URL', () => {
    let error: ConfigError | undefined;
    try {
      read({ REDIS_URL: 'redis://:hunter2-secret@r:6379', REDIS_SENTINELS: 'a:1,b:port,c:70000', REDIS_SENTINEL_NAME: 'my master' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^REDIS_SENTINELS="a:1,b:port,c:70000": expected host:port items .*"b:port" is not one$/),
      expect.stringMatching(/^REDIS_SENTINEL_NAME="my master": expected the master name/),
    ]);
    expect(error!.message).not.toContain('hunter2');
    expect(() => read({ REDIS_SENTINELS: 'c:70000', REDIS_SENTINEL_NAME: 'm' })).toThrow(/"c:70000" is not one/);
    expect(() => read({ REDIS_SENTINELS: ',', REDIS_SENTINEL_NAME: 'm' })).toThrow(/at least one host:port/);
  });
});

describe('Redis Cluster settings', () => {
  const read = (env: Record<string, string>) => readEnv(RedisEnv, env, 'test', redisSentinelProblems(env));

  it('reads the seed nodes (default port 6379) when QUEUE_PREFIX holds a hash tag', () => {
    const e = read({ REDIS_CLUSTER_NODES: 'r1:7000, r2', QUEUE_PREFIX: '{sentiment}', REDIS_URL: 'redis://:pw@ignored:1' });
    expect(redisSettings(e)).toEqual({ url: 'redis://:pw@ignored:1', clusterNodes: [{ host: 'r1', port: 7000 }, { host: 'r2', port: 6379 }] });
  });

  it('refuses a prefix without a hash tag, a database other than 0, and sentinels at the same time', () => {
    expect(redisSentinelProblems({ REDIS_CLUSTER_NODES: 'r1:7000' })).toEqual([
      'QUEUE_PREFIX="bull": with REDIS_CLUSTER_NODES it must hold a {…} hash tag (e.g. {sentiment}), so that each queue\'s keys share one slot',
    ]);
    expect(redisSentinelProblems({ REDIS_CLUSTER_NODES: 'r1:7000', QUEUE_PREFIX: '{s}', REDIS_URL: 'redis://r/2' })).toEqual(['REDIS_URL: a cluster has database 0 only (the URL names 2)']);
    expect(redisSentinelProblems({ REDIS_CLUSTER_NODES: 'r1:7000', QUEUE_PREFIX: '{s}', REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_CLUSTER_NODES and REDIS_SENTINELS: a cluster or sentinels, not both',
    ]);
    expect(() => read({ REDIS_CLUSTER_NODES: 'r1:port', QUEUE_PREFIX: '{s}' })).toThrow(/REDIS_CLUSTER_NODES.*"r1:port" is not one/);
  });
});
