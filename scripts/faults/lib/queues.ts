// Read-only views of a run's BullMQ queues, straight from Redis (not through the apps under test).
import { Queue } from 'bullmq';
import { PERSIST_QUEUE } from '@sentiment/queue';
import { STABLE_QUEUE, TEST_REDIS_URL } from '../../../test/support/stack.js';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'] as const;

export function openQueues(prefix: string, redisUrl = TEST_REDIS_URL) {
  const prediction = new Queue(STABLE_QUEUE, { connection: { url: redisUrl }, prefix });
  const persist = new Queue(PERSIST_QUEUE, { connection: { url: redisUrl }, prefix });
  for (const q of [prediction, persist]) q.on('error', () => {}); // outages are expected in some runs
  return {
    prediction,
    persist,
    counts: (q: Queue) => q.getJobCounts(...STATES) as Promise<Record<(typeof STATES)[number], number>>,
    close: () => Promise.allSettled([prediction.close(), persist.close()]),
  };
}
