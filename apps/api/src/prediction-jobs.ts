import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { ClassifyJobResult, JobName, classifyJobOptions, type ClassifyJobData } from '@sentiment/queue';
import { JobFailedError, QueueUnavailableError } from './errors.js';
import { jobView, toStatus, type JobView } from './job-status.js';
import type { QueueClients } from './queue-clients.js';

type ClassifyJob = Job<ClassifyJobData, ClassifyJobResult>;
export type JobSource = ClassifyJobData['source'];

/**
 * BullMQ serves jobs without a priority (0) before any prioritized job, and adding them is the cheaper
 * O(1) path; so interactive calls go unprioritized and jump ahead of bulk work waiting in the queue.
 */
export const PRIORITY: Record<JobSource, number> = { predict: 0, batch: 0, jobs: 10 };

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PredictionJobsOptions {
  resultTtlS: number;
}

export type PredictionJobs = ReturnType<typeof createPredictionJobs>;

/** Everything the routes do with the prediction queue, with Redis failures turned into 503s. */
export function createPredictionJobs(clients: QueueClients, { resultTtlS }: PredictionJobsOptions) {
  const { redis, predictionQueue: queue, queueEvents } = clients;

  /** Runs a Redis operation only while connected, so a request never waits on a dead Redis. */
  async function guarded<T>(op: () => Promise<T>): Promise<T> {
    if (redis.status !== 'ready') throw new QueueUnavailableError();
    try {
      return await op();
    } catch (err) {
      if (redis.status !== 'ready' || isRedisConnectionError(err)) throw new QueueUnavailableError({ cause: err });
      throw err;
    }
  }

  return {
    submit(texts: string[], source: JobSource, requestId?: string): Promise<ClassifyJob> {
      return guarded(() =>
        queue.add(
          JobName.classify,
          { texts, source, requestId },
          { ...classifyJobOptions({ resultTtlS }), jobId: randomUUID(), ...(PRIORITY[source] > 0 && { priority: PRIORITY[source] }) },
        ),
      );
    },

    /** The result if the job finishes within `timeoutMs`; null if it is still pending. */
    async waitForResult(job: ClassifyJob, timeoutMs: number): Promise<ClassifyJobResult | null> {
      let value: unknown;
      try {
        value = await job.waitUntilFinished(queueEvents, timeoutMs);
      } catch (err) {
        // waitUntilFinished rejects alike on timeout and on failure; the job's state tells them apart.
        const state = await guarded(() => job.getState());
        if (state === 'failed') {
          const failed = await guarded(() => queue.getJob(job.id!));
          throw new JobFailedError(job.id!, failed?.failedReason ?? (err as Error).message);
        }
        if (state !== 'completed') return null;
        value = (await guarded(() => queue.getJob(job.id!)))?.returnvalue;
      }
      // A result that breaks the contract is a worker bug: a plain error, so a 500.
      return ClassifyJobResult.parse(value);
    },

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
        if (state === 'unknown') return null;
        const job: ClassifyJob | undefined = await queue.getJob(id);
        return job ? jobView(job, state) : null;
      });
    },

    workersCount(): Promise<number> {
      return guarded(() => queue.getWorkersCount());
    },

    async redisAnswers(): Promise<boolean> {
      if (redis.status !== 'ready') return false;
      return (await redis.ping().catch(() => null)) === 'PONG';
    },
  };
}

function isRedisConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code) ||
    err.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|Command timed out/i.test(err.message)
  );
}
