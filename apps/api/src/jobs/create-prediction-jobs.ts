import { newJobId } from '@sentiment/queue';
import type { QueueClients } from '../queue-clients.js';
import { bullmqJobHash } from './bullmq-job-hash.js';
import { createCoalescedJobs } from './coalesced-jobs.js';
import { createIdempotentSubmitter } from './idempotency.js';
import type { PredictionJobs } from './prediction-jobs.js';
import { createQueueHealth } from './queue-health.js';
import { createRedisGuard } from './redis-guard.js';
import { createStatusViews } from './status-view.js';
import { createJobAdder } from './submit.js';
import { createTickets } from './tickets.js';
import { createReplyWaiter } from './wait-for-reply.js';

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

/** Wires the parts of PredictionJobs over the API's queue clients; every Redis call goes through one guard (503s). */
export function createPredictionJobs(clients: QueueClients, { resultTtlS, cacheScope = 'client', onRedisFull = () => undefined }: PredictionJobsOptions): PredictionJobs {
  const { redis, predictionQueues: queues, replies, prefix } = clients;
  const guarded = createRedisGuard(redis, onRedisFull);
  const adder = createJobAdder({ queues, replies, guarded, resultTtlS, cacheScope });
  const coalesced = createCoalescedJobs({ adder, replies });
  const idempotent = createIdempotentSubmitter({ redis, queues, prefix, guarded, add: adder.add });
  const tickets = createTickets({ redis, prefix, guarded });
  const waiter = createReplyWaiter({ queues, replies, guarded });
  const jobHashes = new Map(queues.all().map((q) => [q, bullmqJobHash(q, redis)] as const));
  const views = createStatusViews({ queues, jobHash: (q) => jobHashes.get(q)!, tickets, guarded });
  const health = createQueueHealth({ redis, queues, guarded });

  return {
    submit(texts, source, options) {
      // Bulk jobs and submit-and-poll need a job of their own (its id is the answer); a waiting caller does not.
      if (!options.wait || source === 'jobs') return adder.add(texts, source, options, newJobId());
      return coalesced.submit(texts, source, options);
    },
    submitOnce: (texts, source, options, idempotency) => idempotent.submitOnce(texts, source, options, idempotency),
    acceptedId: (submitted) => tickets.acceptedId(submitted),
    waitForResult: (submitted, timeoutMs) => waiter.waitForResult(submitted, timeoutMs),
    status: (job) => views.status(job),
    view: (id) => views.view(id),
    workersCount: () => health.workersCount(),
    redisAnswers: () => health.redisAnswers(),
  };
}
