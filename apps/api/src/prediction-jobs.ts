import { randomUUID } from 'node:crypto';
import { bullmqJobHash } from './jobs/bullmq-job-hash.js';
import { createCoalescedJobs } from './jobs/coalesced-jobs.js';
import { createIdempotentSubmitter } from './jobs/idempotency.js';
import type { JobSource, PredictionJobs, SubmitOptions, Submitted } from './jobs/prediction-jobs.js';
import { createRedisGuard } from './jobs/redis-guard.js';
import { createStatusViews } from './jobs/status-view.js';
import { createJobAdder } from './jobs/submit.js';
import { createTickets } from './jobs/tickets.js';
import { createReplyWaiter } from './jobs/wait-for-reply.js';
import type { QueueClients } from './queue-clients.js';

export { PRIORITY } from './jobs/submit.js';

export interface PredictionJobsOptions {
  resultTtlS: number;
  /**
   * `client` (default): each caller's texts read and fill only their own result-cache entries, so
   * `cache_hit` and `latency_ms` never reveal what another client sent. `shared`: one cache for all.
   */
  cacheScope?: 'client' | 'shared';
  /** Told when Redis refuses a write for lack of memory (main logs it, at most every 10 s). */
  onRedisFull?: (err: Error) => void;
}

/** Everything the routes do with the prediction queue, with Redis failures turned into 503s. */
export function createPredictionJobs(clients: QueueClients, { resultTtlS, cacheScope = 'client', onRedisFull = () => undefined }: PredictionJobsOptions): PredictionJobs {
  const { redis, predictionQueue: queue, replies } = clients;

  const guarded = createRedisGuard(redis, onRedisFull);
  const adder = createJobAdder({ queue, replies, guarded, resultTtlS, cacheScope });
  const { add } = adder;
  const coalesced = createCoalescedJobs({ adder, replies });
  const idempotent = createIdempotentSubmitter({ redis, queue, guarded, add });
  const tickets = createTickets({ redis, queue, guarded });
  const waiter = createReplyWaiter({ queue, replies, guarded });
  const views = createStatusViews({ queue, jobHash: bullmqJobHash(queue, redis), tickets, guarded });

  return {
    async submit(texts: string[], source: JobSource, options: SubmitOptions = {}): Promise<Submitted> {
      // Bulk jobs and submit-and-poll need a job of their own (its id is the answer); a waiting caller does not.
      if (!options.wait || source === 'jobs') return add(texts, source, options, randomUUID());
      return coalesced.submit(texts, source, options);
    },

    submitOnce: (texts, source, options, idempotency) => idempotent.submitOnce(texts, source, options, idempotency),
    acceptedId: (submitted) => tickets.acceptedId(submitted),
    waitForResult: (submitted, timeoutMs) => waiter.waitForResult(submitted, timeoutMs),
    status: (job) => views.status(job),
    view: (id) => views.view(id),

    /**
     * Workers of this deployment's prediction queue. BullMQ finds them by connection name in CLIENT LIST,
     * which spans the whole Redis server: a deployment with the same prefix on another database would
     * count too, so only clients on this connection's database are kept.
     */
    workersCount(): Promise<number> {
      const db = String(redis.options.db ?? 0);
      return guarded(async () => (await queue.getWorkers()).filter((w) => (w as { db?: string }).db === db).length);
    },

    async redisAnswers(): Promise<boolean> {
      if (redis.status !== 'ready') return false;
      return (await redis.ping().catch(() => null)) === 'PONG';
    },
  };
}
