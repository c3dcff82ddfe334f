import { randomUUID } from 'node:crypto';
import type { JobState } from 'bullmq';
import { JobProgress, type ClassifyJobData, type ClassifyJobResult } from '@sentiment/queue';
import { jobView, shareView, toStatus, type JobSnapshot, type JobView } from './job-status.js';
import { createCoalescedJobs } from './jobs/coalesced-jobs.js';
import { createIdempotentSubmitter } from './jobs/idempotency.js';
import type { ClassifyJob, JobSource, PredictionJobs, SubmitOptions, Submitted } from './jobs/prediction-jobs.js';
import { createRedisGuard } from './jobs/redis-guard.js';
import { createJobAdder } from './jobs/submit.js';
import { createTickets } from './jobs/tickets.js';
import { createReplyWaiter } from './jobs/wait-for-reply.js';
import type { QueueClients } from './queue-clients.js';

export { PRIORITY } from './jobs/submit.js';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Text counts of jobs polled before their first progress report, kept so a poll need not reload the texts. */
const KNOWN_TOTALS = 10_000;

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

  const totals = new Map<string, number>();
  /**
   * What a status view needs of job `id`, read field by field (HMGET on BullMQ's job hash): the texts
   * are read only while neither the worker's progress nor the result gives their count, and once per job.
   */
  async function snapshot(id: string, state: JobState): Promise<JobSnapshot | null> {
    const key = queue.toKey(id);
    const completed = state === 'completed';
    const [timestamp, finishedOn, progressRaw, failedReason, returnRaw] = await redis.hmget(
      key,
      'timestamp',
      'finishedOn',
      'progress',
      'failedReason',
      ...(completed ? ['returnvalue'] : []),
    );
    if (timestamp === null) return null; // removed in between
    const progress: unknown = progressRaw ? JSON.parse(progressRaw) : 0;
    const returnvalue = completed && returnRaw ? (JSON.parse(returnRaw) as ClassifyJobResult) : undefined;
    const total = returnvalue?.total ?? reportedTotal(progress) ?? totals.get(id) ?? (await textCount(key, id));
    if (total === undefined) return null;
    return { id, total, timestamp: Number(timestamp), finishedOn: finishedOn ? Number(finishedOn) : undefined, progress, returnvalue, failedReason: failedReason ?? undefined };
  }

  async function textCount(key: string, id: string): Promise<number | undefined> {
    const data = await redis.hget(key, 'data');
    if (data === null) return undefined;
    const total = (JSON.parse(data) as ClassifyJobData).texts.length;
    if (totals.size >= KNOWN_TOTALS) totals.delete(totals.keys().next().value!);
    totals.set(id, total);
    return total;
  }

  /** A 202'd share of a coalesced job, seen through its ticket. */
  async function viewTicket(ticket: string): Promise<JobView | null> {
    const held = await tickets.read(ticket);
    if (held === null) return null;
    const { jobId, start, count } = held;
    const state = await queue.getJobState(jobId);
    if (state === 'unknown') return null;
    const job = await snapshot(jobId, state);
    return job ? shareView(jobView(job, state), ticket, start, count) : null;
  }

  return {
    async submit(texts: string[], source: JobSource, options: SubmitOptions = {}): Promise<Submitted> {
      // Bulk jobs and submit-and-poll need a job of their own (its id is the answer); a waiting caller does not.
      if (!options.wait || source === 'jobs') return add(texts, source, options, randomUUID());
      return coalesced.submit(texts, source, options);
    },

    submitOnce: (texts, source, options, idempotency) => idempotent.submitOnce(texts, source, options, idempotency),
    acceptedId: (submitted) => tickets.acceptedId(submitted),
    waitForResult: (submitted, timeoutMs) => waiter.waitForResult(submitted, timeoutMs),

    async status(job: ClassifyJob): Promise<JobView['status']> {
      const state = await guarded(() => job.getState());
      return state === 'unknown' ? 'queued' : toStatus(state);
    },

    /** The job's public view, or null when no such job exists (or it has expired). */
    async view(id: string): Promise<JobView | null> {
      if (!JOB_ID.test(id)) return null;
      return guarded(async () => {
        // State first: a job read after it says `completed` carries its result. (Read the other way
        // round, a job finishing in between would show as completed with no result.)
        const state = await queue.getJobState(id);
        if (state === 'unknown') return viewTicket(id);
        const job = await snapshot(id, state);
        return job ? jobView(job, state) : null;
      });
    },

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

function reportedTotal(progress: unknown): number | undefined {
  const reported = JobProgress.safeParse(progress);
  return reported.success ? reported.data.total : undefined;
}
