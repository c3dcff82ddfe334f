// A connection made by @sentiment/queue's factory follows a Sentinel failover: a private primary, a
// replica and one sentinel (quorum 1); `SENTINEL FAILOVER` swaps them, and the same connection (and its
// pub/sub twin, re-subscribed) goes on against the new primary without being recreated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisConnection, type RedisTarget } from '@sentiment/queue';
import { startSentinelSetup, type SentinelSetup } from './support/private-sentinel.js';
import { waitFor } from './support/processes.js';

const PASSWORD = 'sentinel-test-pw';

describe('Redis Sentinel failover', () => {
  let setup: SentinelSetup;
  let target: RedisTarget;

  beforeAll(async () => {
    setup = await startSentinelSetup({ name: 'testmaster', sentinels: 1, quorum: 1, password: PASSWORD, downAfterMs: 1000, failoverTimeoutMs: 5000 });
    target = { url: `redis://:${PASSWORD}@not-used.invalid:1/3`, sentinels: setup.addresses, sentinelName: setup.name };
  });
  afterAll(() => setup?.stop());

  it('moves the same connection to the promoted replica and re-subscribes', async () => {
    const redis = createRedisConnection(target, { maxRetriesPerRequest: null });
    const subscriber = createRedisConnection(target, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    subscriber.on('error', () => undefined);
    try {
      const port = async () => Number(/tcp_port:(\d+)/.exec(await redis.info('server'))![1]);
      await redis.set('k', 'before');
      expect(await port()).toBe(setup.primary.port);
      const received: string[] = [];
      await subscriber.subscribe('ch');
      subscriber.on('message', (_c: string, m: string) => received.push(m));

      // The replica has everything before we switch (WAIT: acknowledged by one replica).
      expect(await redis.wait(1, 2000)).toBe(1);
      const sentinel = new Redis({ host: '127.0.0.1', port: setup.sentinels[0]!.port });
      expect(await sentinel.call('SENTINEL', 'FAILOVER', setup.name)).toBe('OK');
      sentinel.disconnect();
      await waitFor('the sentinel to name the replica', async () => (await setup.masterPort()) === setup.replica.port, { timeoutMs: 30_000, intervalMs: 200 });

      // Writes succeed again, on the new primary, with the data of the old one (same database).
      await waitFor(
        'the connection to write to the new primary',
        async () => {
          try {
            await redis.set('k2', 'after');
            return (await port()) === setup.replica.port;
          } catch {
            return false;
          }
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(await redis.get('k')).toBe('before');
      expect(/role:master/.test(await redis.info('replication'))).toBe(true);

      await waitFor(
        'a message published on the new primary to arrive',
        async () => {
          await redis.publish('ch', 'after-failover');
          return received.includes('after-failover');
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    } finally {
      redis.disconnect();
      subscriber.disconnect();
    }
  }, 90_000);
});
