import type { JobState } from 'bullmq';
import { JobProgress, type ClassifyJobResult } from '@sentiment/queue';

export type JobStatus = 'queued' | 'active' | 'completed' | 'failed';

/** BullMQ has more states than a caller cares about; everything not yet picked up is `queued`. */
export function toStatus(state: JobState): JobStatus {
  switch (state) {
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    case 'waiting':
    case 'prioritized':
    case 'delayed': // includes a failed attempt waiting for its retry
    case 'waiting-children':
      return 'queued';
  }
}

export interface JobView {
  job_id: string;
  status: JobStatus;
  progress: JobProgress;
  created_at: string;
  finished_at: string | null;
  result?: ClassifyJobResult;
  error?: { code: string; message: string };
}

/**
 * The fields of a BullMQ job that a status view needs. Not the job itself: that carries every text
 * (~1 MB for a 10,000-text job), which a client polling progress would otherwise reload each time.
 */
export interface JobSnapshot {
  id: string;
  /** The job's text count. */
  total: number;
  timestamp: number;
  finishedOn?: number;
  /** As the worker reported it; BullMQ's default before any report is the number 0. */
  progress: unknown;
  /** Read only for completed jobs. */
  returnvalue?: ClassifyJobResult;
  failedReason?: string;
}

/** The `GET /jobs/:id` body for a job in `state`. */
export function jobView(job: JobSnapshot, state: JobState): JobView {
  const status = toStatus(state);
  const { total } = job;
  const view: JobView = {
    job_id: job.id,
    status,
    progress: progressOf(job, status, total),
    created_at: new Date(job.timestamp).toISOString(),
    finished_at: status === 'completed' || status === 'failed' ? isoOrNull(job.finishedOn) : null,
  };
  if (status === 'completed') view.result = job.returnvalue;
  if (status === 'failed') view.error = { code: 'job_failed', message: job.failedReason || 'the job failed' };
  return view;
}

function progressOf(job: JobSnapshot, status: JobStatus, total: number): JobProgress {
  if (status === 'completed') return { done: total, total };
  // The worker reports { done, total }; before its first report BullMQ's default is the number 0.
  const reported = JobProgress.safeParse(job.progress);
  return reported.success ? reported.data : { done: 0, total };
}

function isoOrNull(ms: number | undefined): string | null {
  return ms ? new Date(ms).toISOString() : null;
}

/** A coalesced job as one of the requests sharing it sees it: under its ticket, with only its texts. */
export function shareView(view: JobView, ticket: string, start: number, count: number): JobView {
  const done = view.status === 'completed' ? count : 0;
  return {
    ...view,
    job_id: ticket,
    progress: { done, total: count },
    ...(view.result && { result: { predictions: view.result.predictions.slice(start, start + count), total: count } }),
  };
}
