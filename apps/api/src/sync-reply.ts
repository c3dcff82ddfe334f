import type { Request, Response } from 'express';
import type { ClassifyJobResult } from '@sentiment/queue';
import type { JobStatus } from './job-status.js';
import type { IdempotencyKey, JobSource, PredictionJobs, Submitted } from './jobs/prediction-jobs.js';
import type { ModelRouter } from './models/model-router.js';
import { requestIdOf } from './request-logging.js';
import { ValidationError } from './validation.js';

/** 1 to 255 visible ASCII characters (the IETF Idempotency-Key draft leaves the format to us; this is Stripe's length). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** What the routes hand over to queue a request's texts. */
export interface Intake {
  jobs: PredictionJobs;
  models: ModelRouter;
}

/** The request's Idempotency-Key, scoped to its credentials; undefined without the header; 400 when malformed. */
export function idempotencyKeyOf(req: Request, pinned?: string): IdempotencyKey | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('invalid Idempotency-Key header', [
      { path: ['Idempotency-Key'], code: 'invalid_format', message: 'expected 1 to 255 visible ASCII characters' },
    ]);
  }
  // Two clients that happen to pick the same key must not share a job.
  return { key, principal: principalOf(req), ...(pinned !== undefined && { pinned }) };
}

/** Whatever identifies the caller: their credentials (hashed before any use). */
function principalOf(req: Request): string {
  return JSON.stringify([req.get('authorization') ?? null, req.get('x-api-key') ?? null]);
}

/** Who a caller is for sticky routing: their credentials, else their address. */
function stickyClientOf(req: Request): string {
  const credentials = req.get('authorization') ?? req.get('x-api-key');
  return credentials !== undefined ? principalOf(req) : `ip:${req.ip ?? ''}`;
}

/**
 * Queues the request's texts for the model it names (else the routing's choice), once per
 * Idempotency-Key when the header is there. A repeated key returns the job the first request created
 * (on the model chosen then) and marks the answer `Idempotent-Replayed: true`.
 */
export async function submitJob(
  { jobs, models }: Intake,
  req: Request,
  res: Response,
  texts: string[],
  source: JobSource,
  { wait = false, model: requested }: { wait?: boolean; model?: string } = {},
): Promise<Submitted> {
  const idempotency = idempotencyKeyOf(req, requested);
  const { model, shadow } = models.choose(requested, { client: stickyClientOf(req), texts });
  const options = { model, shadow, requestId: requestIdOf(req), wait, client: principalOf(req) };
  const submitted = idempotency ? await jobs.submitOnce(texts, source, options, idempotency) : await jobs.submit(texts, source, options);
  if (submitted.replayed) res.set('Idempotent-Replayed', 'true');
  res.locals.jobId = submitted.job.id; // for the request's log line
  return submitted;
}

/** `?async=true` or `Prefer: respond-async` (RFC 7240): answer 202 at once, don't wait for the result. */
export function wantsAsync(req: Request): boolean {
  if (req.query.async === 'true') return true;
  return (req.get('prefer') ?? '').split(',').some((p) => p.trim().toLowerCase() === 'respond-async');
}

export function statusUrl(jobId: string): string {
  return `/jobs/${jobId}`;
}

/** 202 Accepted pointing at the job's status URL. */
export function replyAccepted(res: Response, jobId: string, status: JobStatus, extra: object = {}): void {
  const url = statusUrl(jobId);
  res
    .status(202)
    .location(url)
    .json({ job_id: jobId, status, status_url: url, ...extra });
}

/**
 * Queues `texts` and waits up to `timeoutMs` for the result. Returns it, or null
 * after answering 202 itself (asked to, or the job is still running).
 */
export async function submitAndWait(
  intake: Intake,
  req: Request,
  res: Response,
  texts: string[],
  source: 'predict' | 'batch',
  { timeoutMs, model }: { timeoutMs: number; model?: string },
): Promise<ClassifyJobResult | null> {
  const { jobs } = intake;
  const respondAsync = wantsAsync(req);
  const submitted = await submitJob(intake, req, res, texts, source, { wait: !respondAsync, model });
  const { job, replayed } = submitted;
  if (respondAsync) {
    res.set('Preference-Applied', 'respond-async');
    replyAccepted(res, job.id!, replayed ? await jobs.status(job) : 'queued');
    return null;
  }
  const result = await jobs.waitForResult(submitted, timeoutMs);
  if (!result) replyAccepted(res, await jobs.acceptedId(submitted), await jobs.status(job));
  return result;
}
