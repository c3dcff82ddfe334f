import type { JobState } from 'bullmq';
import { JobProgress, type ClassifyJobData, type ClassifyJobResult } from '@sentiment/queue';
import { jobView, shareView, StoredResult, toStatus, type JobSnapshot, type JobStatus, type JobView } from '../job-status.js';
import type { PredictionQueue, PredictionQueues } from '../queue-clients.js';
import type { BullmqJobHash } from './bullmq-job-hash.js';
import type { ClassifyJob } from './prediction-jobs.js';
import type { RedisGuard } from './redis-guard.js';
import type { Tickets } from './tickets.js';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Text counts of jobs polled before their first progress report, kept so a poll need not reload the texts. */
const KNOWN_TOTALS = 10_000;

/** What callers see of a job: its status, and the `GET /jobs/:id` view of a job or ticket. */
export interface StatusViews {
  status(job: ClassifyJob): Promise<JobStatus>;
  /** The job's (or ticket's) public view, or null when no such job exists (or it has expired). */
  view(id: string): Promise<JobView | null>;
}

export interface StatusViewDeps {
  queues: PredictionQueues;
  /** The job-hash reader of a queue. */
  jobHash: (queue: PredictionQueue) => BullmqJobHash<ClassifyJobData, ClassifyJobResult>;
  tickets: Pick<Tickets, 'read'>;
  guarded: RedisGuard;
}

export function createStatusViews({ queues, jobHash: jobHashOf, tickets, guarded }: StatusViewDeps): StatusViews {
  const totals = new Map<string, number>();

  /**
   * What a status view needs of job `id`, read field by field: the texts are read only while neither
   * the worker's progress nor the result gives their count, and once per job.
   */
  async function snapshot(queue: PredictionQueue, id: string, state: JobState, { storedResult = false } = {}): Promise<JobSnapshot | null> {
    const jobHash = jobHashOf(queue);
    const completed = state === 'completed';
    const hashFields = await jobHash.fields(id, { withReturnValue: completed && !storedResult });
    if (hashFields === null) return null; // removed in between
    const fields: Omit<JobSnapshot, 'id' | 'total'> = hashFields;
    if (completed && storedResult) {
      // Passed on as stored (a view of the whole job): never parsed here.
      const json = await jobHash.returnValueJson(id);
      if (json === undefined) return null;
      fields.returnvalue = new StoredResult(json);
    }
    const total = fields.returnvalue?.total ?? reportedTotal(fields.progress) ?? totals.get(id) ?? (await textCount(jobHash, id));
    if (total === undefined) return null;
    return { id, total, ...fields };
  }

  async function textCount(jobHash: BullmqJobHash<ClassifyJobData, ClassifyJobResult>, id: string): Promise<number | undefined> {
    const data = await jobHash.data(id);
    if (data === undefined) return undefined;
    const total = data.texts.length;
    if (totals.size >= KNOWN_TOTALS) totals.delete(totals.keys().next().value!);
    totals.set(id, total);
    return total;
  }

  /** A 202'd share of a coalesced job, seen through its ticket. */
  async function viewTicket(ticket: string): Promise<JobView | null> {
    const held = await tickets.read(ticket);
    if (held === null) return null;
    const found = held.queueName ? await inQueue(queues.named(held.queueName), held.jobId) : await queues.locate(held.jobId);
    if (found === null) return null;
    const job = await snapshot(found.queue, held.jobId, found.state);
    return job ? shareView(jobView(job, found.state), ticket, held.start, held.count) : null;
  }

  return {
    async status(job) {
      const state = await guarded(() => job.getState());
      return state === 'unknown' ? 'queued' : toStatus(state);
    },

    async view(id) {
      if (!JOB_ID.test(id)) return null;
      return guarded(async () => {
        // State first: a job read after it says `completed` carries its result. (Read the other way
        // round, a job finishing in between would show as completed with no result.)
        const found = await queues.locate(id);
        if (found === null) return viewTicket(id);
        const job = await snapshot(found.queue, id, found.state, { storedResult: true });
        return job ? jobView(job, found.state) : null;
      });
    },
  };
}

async function inQueue(queue: PredictionQueue | undefined, id: string): Promise<{ queue: PredictionQueue; state: JobState } | null> {
  if (!queue) return null;
  const state = await queue.getJobState(id);
  return state === 'unknown' ? null : { queue, state: state as JobState };
}

function reportedTotal(progress: unknown): number | undefined {
  const reported = JobProgress.safeParse(progress);
  return reported.success ? reported.data.total : undefined;
}
