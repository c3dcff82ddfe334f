import { createHash } from 'node:crypto';
import { JobName, classifyJobOptions, type ClassifyJobData } from '@sentiment/queue';
import type { JobReplies } from '../job-replies.js';
import type { PredictionQueues } from '../queue-clients.js';
import type { ClassifyJob, JobSource, SubmitOptions, Submitted } from './prediction-jobs.js';
import type { RedisGuard } from './redis-guard.js';

/**
 * BullMQ serves jobs without a priority (0) before any prioritized job, and adding them is the cheaper
 * O(1) path; so interactive calls go unprioritized and jump ahead of bulk work waiting in the queue.
 */
export const PRIORITY: Record<JobSource, number> = { predict: 0, batch: 0, jobs: 10 };

/** Where every classify job enters the queue. */
export interface JobAdder {
  /** The one place a classify job is added (on its model's queue): retries, retention and the source's priority. */
  queueJob(jobId: string, data: ClassifyJobData): Promise<ClassifyJob>;
  /** Queues a new job of its own under `jobId`; when waiting, its reply is expected before the job exists, so none is missed. */
  add(texts: string[], source: JobSource, options: SubmitOptions, jobId: string): Promise<Submitted>;
  /** The result-cache scope of a job for `client`'s texts (undefined: the shared cache). */
  cacheScopeOf(client: string | undefined): string | undefined;
}

export interface JobAdderDeps {
  queues: PredictionQueues;
  replies: JobReplies;
  guarded: RedisGuard;
  resultTtlS: number;
  /**
   * `client`: each caller's texts read and fill only their own result-cache entries, so `cache_hit`
   * and `latency_ms` never reveal what another client sent. `shared`: one cache for all.
   */
  cacheScope: 'client' | 'shared';
}

export function createJobAdder({ queues, replies, guarded, resultTtlS, cacheScope }: JobAdderDeps): JobAdder {
  const cacheScopeOf = (client: string | undefined) =>
    cacheScope === 'client' ? createHash('sha256').update(client ?? '').digest('hex').slice(0, 32) : undefined;

  function queueJob(jobId: string, data: ClassifyJobData): Promise<ClassifyJob> {
    const priority = PRIORITY[data.source];
    return guarded(() => queues.of(data.model).add(JobName.classify, data, { ...classifyJobOptions({ resultTtlS }), jobId, ...(priority > 0 && { priority }) }));
  }

  async function add(texts: string[], source: JobSource, { model, shadow, requestId, wait, client }: SubmitOptions, jobId: string): Promise<Submitted> {
    const reply = wait ? replies.expect(jobId) : undefined;
    const scope = cacheScopeOf(client);
    try {
      const data: ClassifyJobData = { texts, model, ...(shadow && { shadow }), source, requestId, ...(reply && { replyTo: replies.channel }), ...(scope && { cacheScope: scope }) };
      const job = await queueJob(jobId, data);
      return { job, replayed: false, reply };
    } catch (err) {
      reply?.cancel();
      throw err;
    }
  }

  return { queueJob, add, cacheScopeOf };
}
