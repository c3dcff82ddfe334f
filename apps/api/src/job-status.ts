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

/**
 * A completed job's result as the worker stored it (JSON bytes), sent on as they are: a 10,000-text
 * result is ~1 MB, and parsing it only to serialize it again held the API's event loop for tens of ms.
 */
export class StoredResult {
  constructor(readonly json: Buffer) {}

  /** The result's text count: the worker writes `{"predictions":[…],"total":N}`, so N ends the JSON. */
  get total(): number {
    const tail = /"total":(\d+)\}\s*$/.exec(this.json.subarray(-32).toString('utf8'));
    return tail ? Number(tail[1]) : (JSON.parse(this.json.toString('utf8')) as ClassifyJobResult).total;
  }
}

export interface JobView {
  job_id: string;
  status: JobStatus;
  progress: JobProgress;
  created_at: string;
  finished_at: string | null;
  result?: ClassifyJobResult | StoredResult;
  error?: { code: string; message: string };
}

/** The view as a JSON body, a stored result spliced in as it is. */
export function jobViewBody(view: JobView): string | Buffer {
  if (!(view.result instanceof StoredResult)) return JSON.stringify(view);
  const { result, ...rest } = view;
  const head = JSON.stringify(rest);
  return Buffer.concat([Buffer.from(`${head.slice(0, -1)},"result":`), result.json, Buffer.from('}')]);
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
  /** Read only for completed jobs: parsed, or as stored when it is only passed on. */
  returnvalue?: ClassifyJobResult | StoredResult;
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
    ...(view.result && !(view.result instanceof StoredResult) && { result: { predictions: view.result.predictions.slice(start, start + count), total: count } }),
  };
}
