import type { Request, Response } from 'express';
import type { Job } from 'bullmq';
import type { ClassifyJobData, ClassifyJobResult } from '@sentiment/queue';
import type { JobStatus } from './job-status.js';
import type { PredictionJobs } from './prediction-jobs.js';
import { requestIdOf } from './request-logging.js';

/** `?async=true` or `Prefer: respond-async` (RFC 7240): answer 202 at once, don't wait for the result. */
export function wantsAsync(req: Request): boolean {
  if (req.query.async === 'true') return true;
  return (req.get('prefer') ?? '').split(',').some((p) => p.trim().toLowerCase() === 'respond-async');
}

export function statusUrl(jobId: string): string {
  return `/jobs/${jobId}`;
}

/** 202 Accepted pointing at the job's status URL. */
export function replyAccepted(res: Response, job: Job<ClassifyJobData>, status: JobStatus, extra: object = {}): void {
  const url = statusUrl(job.id!);
  res
    .status(202)
    .location(url)
    .json({ job_id: job.id, status, status_url: url, ...extra });
}

/**
 * Queues `texts` and waits up to `timeoutMs` for the result. Returns it, or null
 * after answering 202 itself (asked to, or the job is still running).
 */
export async function submitAndWait(
  jobs: PredictionJobs,
  req: Request,
  res: Response,
  texts: string[],
  source: 'predict' | 'batch',
  timeoutMs: number,
): Promise<ClassifyJobResult | null> {
  const job = await jobs.submit(texts, source, requestIdOf(req));
  if (wantsAsync(req)) {
    res.set('Preference-Applied', 'respond-async');
    replyAccepted(res, job, 'queued');
    return null;
  }
  const result = await jobs.waitForResult(job, timeoutMs);
  if (!result) replyAccepted(res, job, await jobs.status(job));
  return result;
}
