import type { JobProgress, JobStatus } from '@sentiment/contract';
import { InvalidResponseError, JobFailedError } from './errors.js';
import { wait } from './retry.js';

export interface WaitOptions {
  /** Called after every poll with the job's progress (also the last one, `done === total`). */
  onProgress?: (progress: JobProgress, status: JobStatus) => void;
  /** Pause between polls (default 500 ms). */
  intervalMs?: number;
  /** Stops waiting (the job itself goes on on the server). */
  signal?: AbortSignal;
}

/** A job that reached `completed`: its result is there. */
export type CompletedJob = JobStatus & { status: 'completed'; result: NonNullable<JobStatus['result']> };

/** Polls `poll` until the job completes (returns it) or fails (throws JobFailedError). */
export async function pollUntilDone(
  jobId: string,
  poll: (signal?: AbortSignal) => Promise<JobStatus>,
  { onProgress, intervalMs = 500, signal }: WaitOptions = {},
): Promise<CompletedJob> {
  for (;;) {
    const status = await poll(signal);
    onProgress?.(status.progress, status);
    if (status.status === 'completed') {
      if (!status.result) throw new InvalidResponseError(`/jobs/${jobId}`, 200, `job ${jobId} is completed but its answer holds no result`);
      return status as CompletedJob;
    }
    if (status.status === 'failed') {
      throw new JobFailedError(jobId, status.error?.code ?? 'job_failed', status.error?.message ?? `job ${jobId} failed`);
    }
    await wait(intervalMs, signal);
  }
}
