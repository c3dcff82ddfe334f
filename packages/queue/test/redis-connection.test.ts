import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisConnection, describeRedisTarget, isRedisConnectionError, redisConnectionOptions } from '../src/index.js';

const sentinels = [
  { host: '10.0.0.1', port: 26379 },
  { host: 'fd00::2', port: 26380 },
];

describe('redisConnectionOptions', () => {
  it('without sentinels: the caller options alone (the URL goes to the constructor)', () => {
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 5000 };
    expect(redisConnectionOptions({ url: 'redis://:pw@r:6379/2' }, options)).toEqual(options);
    // a name without sentinels (or the reverse) is not sentinel mode
    expect(redisConnectionOptions({ url: 'redis://r', sentinels: [], sentinelName: 'm' }, {})).toEqual({});
  });

  it('with sentinels: their list and the master name, credentials and database from REDIS_URL, the caller options kept', () => {
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 250 };
    const built = redisConnectionOptions({ url: 'redis://app:p%40ss@ignored:1234/3', sentinels, sentinelName: 'queue' }, options);
    expect(built).toMatchObject({ ...options, sentinels, name: 'queue', username: 'app', password: 'p@ss', db: 3, failoverDetector: true });
    expect(built).not.toHaveProperty('host');
    expect(built).not.toHaveProperty('port');
    expect(built).not.toHaveProperty('tls');
    // READONLY (a demoted primary) drops the connection so that the sentinels are asked again
    expect(built.reconnectOnError!(new Error("READONLY You can't write against a read only replica."))).toBe(1);
    expect(built.reconnectOnError!(new Error('ERR wrong number of arguments'))).toBe(false);
  });

  it('rediss: TLS to the primary found through the sentinels; a caller option wins over a default', () => {
    const built = redisConnectionOptions({ url: 'rediss://r', sentinels, sentinelName: 'queue' }, { failoverDetector: false, maxRetriesPerRequest: null });
    expect(built).toMatchObject({ tls: {}, enableTLSForSentinelMode: true, failoverDetector: false, maxRetriesPerRequest: null });
    expect(built).not.toHaveProperty('password');
    expect(built).not.toHaveProperty('db');
  });

  it('createRedisConnection hands those options to ioredis', () => {
    const redis = createRedisConnection({ url: 'redis://:pw@ignored/4', sentinels, sentinelName: 'queue' }, { lazyConnect: true, commandTimeout: 1000 });
    expect(redis.options).toMatchObject({ sentinels, name: 'queue', password: 'pw', db: 4, commandTimeout: 1000, lazyConnect: true });
    redis.disconnect();
    const plain = createRedisConnection({ url: 'redis://:pw@h:6390/5' }, { lazyConnect: true });
    expect(plain.options).toMatchObject({ host: 'h', port: 6390, password: 'pw', db: 5 });
    plain.disconnect();
  });

  it('describes the target for logs without the password', () => {
    expect(describeRedisTarget({ url: 'redis://:secret@r:6379' })).toBe('redis://:***@r:6379');
    expect(describeRedisTarget({ url: 'redis://:secret@r:6379', sentinels, sentinelName: 'queue' })).toBe('sentinels 10.0.0.1:26379,[fd00::2]:26380 master queue');
  });
});

describe('clusterConnectionOptions', () => {
  it('gives every node REDIS_URL\'s credentials and the caller options, and the cluster its offline-queue and ready options', async () => {
    const { clusterConnectionOptions } = await import('../src/index.js');
    expect(clusterConnectionOptions({ url: 'rediss://u:p%40ss@ignored:1', clusterNodes: [{ host: 'r1', port: 7000 }] }, { enableOfflineQueue: false, commandTimeout: 1000, maxRetriesPerRequest: 1 })).toEqual({
      enableOfflineQueue: false,
      redisOptions: { username: 'u', password: 'p@ss', tls: {}, enableOfflineQueue: false, commandTimeout: 1000, maxRetriesPerRequest: 1 },
    });
  });

  it('createRedisConnection opens a Cluster for REDIS_CLUSTER_NODES, described by its nodes', () => {
    const target = { url: 'redis://:pw@ignored:1', clusterNodes: [{ host: 'r1', port: 7000 }, { host: 'r2', port: 7001 }] };
    const connection = createRedisConnection(target, { lazyConnect: true });
    expect(connection).toBeInstanceOf(Cluster);
    connection.disconnect();
    expect(describeRedisTarget(target)).toBe('cluster r1:7000,r2:7001');
  });
});

describe('isRedisConnectionError', () => {
  const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

  it('treats the answers of a failover or a loading server as "unavailable, retry later"', () => {
    expect(isRedisConnectionError(reply("READONLY You can't write against a read only replica."))).toBe(true);
    expect(isRedisConnectionError(reply("ERR Error running script (call to f_1234): @user_script:12: READONLY You can't write against a read only replica."))).toBe(true);
    expect(isRedisConnectionError(reply('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isRedisConnectionError(reply("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."))).toBe(true);
    expect(isRedisConnectionError(reply('NOREPLICAS Not enough good replicas to write.'))).toBe(true);
  });

  it('still tells real failures apart', () => {
    expect(isRedisConnectionError(reply('OOM command not allowed when used memory > maxmemory.'))).toBe(false);
    expect(isRedisConnectionError(reply('ERR unknown command'))).toBe(false);
    expect(isRedisConnectionError(reply('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isRedisConnectionError('READONLY')).toBe(false);
    expect(isRedisConnectionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
  });
});
