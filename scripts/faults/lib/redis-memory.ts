// Redis memory as a whole (INFO memory: shared with every other user of the server) and the part
// held by one run's key prefix (MEMORY USAGE summed over its keys), which is what a soak can judge.
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '../../../test/support/stack.js';

export function redisMemory(prefix: string) {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  return {
    async usedMemory(): Promise<number> {
      const info = await redis.info('memory');
      return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
    },
    async prefixMemory(): Promise<{ keys: number; bytes: number }> {
      let keys = 0;
      let bytes = 0;
      for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
        if (batch.length === 0) continue;
        const pipeline = redis.pipeline();
        for (const key of batch) pipeline.memory('USAGE', key);
        for (const [err, n] of (await pipeline.exec()) ?? []) {
          if (!err && typeof n === 'number') {
            keys++;
            bytes += n;
          }
        }
      }
      return { keys, bytes };
    },
    close: () => redis.disconnect(),
  };
}
