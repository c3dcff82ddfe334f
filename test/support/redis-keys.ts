import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './stack.js';

/**
 * Deletes a stack's Idempotency-Key records (`<prefix>:idempotency:*`): they sit beside the queue's
 * keys, which `obliterate()` leaves, and would otherwise linger for their 24 h.
 */
export async function deleteIdempotencyKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const stream = redis.scanStream({ match: `${prefix}:idempotency:*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}
