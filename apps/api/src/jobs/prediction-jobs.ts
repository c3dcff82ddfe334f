import type { Job } from 'bullmq';
import type { ClassifyJobData, ClassifyJobResult } from '@sentiment/queue';
import type { PendingReply } from '../job-replies.js';
import type { JobStatus, JobView } from '../job-status.js';

export type ClassifyJob = Job<ClassifyJobData, ClassifyJobResult>;
export type JobSource = ClassifyJobData['source'];

/** A queued job; `reply` is set when the caller asked to wait and the job is new (its reply was expected before queueing). */
export interface Submitted {
  job: ClassifyJob;
  replayed: boolean;
  reply?: PendingReply;
  /** Set when the job is shared with other requests (coalesced): this request's texts are `start … start + count - 1`. */
  share?: { start: number; count: number };
}

export interface SubmitOptions {
  /** The registry model that answers every text (the ModelRouter's choice). */
  model: string;
  /** A model that also answers the texts once they are answered, for comparison only. */
  shadow?: string;
  requestId?: string;
  /** Who sent it (their credentials, hashed before use): scopes the result cache with CACHE_SCOPE=client. */
  client?: string;
  /** The caller will wait for the result: have the worker reply directly to this instance. */
  wait?: boolean;
}

export interface IdempotencyKey {
  /** The Idempotency-Key header, already validated. */
  key: string;
  /** Who sent it (their credentials, hashed before use): one client's keys never match another's. */
  principal: string;
  /** The `model` the request named, if any: with the texts, what the key stands for. */
  pinned?: string;
}

/**
 * Everything the routes do with the prediction queue. Redis failures surface as 503s
 * (QueueUnavailableError, RedisFullError); see create-prediction-jobs.ts for the implementation.
 */
export interface PredictionJobs {
  /** Queues the texts. A waiting interactive caller may share a job with others (coalesced); bulk jobs get their own. */
  submit(texts: string[], source: JobSource, options: SubmitOptions): Promise<Submitted>;
  /** Queues the texts once per Idempotency-Key; a repeat gets the first request's job back (`replayed`). */
  submitOnce(texts: string[], source: JobSource, options: SubmitOptions, idempotency: IdempotencyKey): Promise<Submitted>;
  /** The id a 202 names: the job's own, or for a share of a coalesced job a ticket showing only this request's texts. */
  acceptedId(submitted: Submitted): Promise<string>;
  /** The result if the job finishes within `timeoutMs`; null if it is still pending. Throws JobFailedError if it failed. */
  waitForResult(submitted: Submitted, timeoutMs: number): Promise<ClassifyJobResult | null>;
  /** The job's public status right now. */
  status(job: ClassifyJob): Promise<JobStatus>;
  /** The job's (or ticket's) public view, or null when no such job exists (or it has expired). */
  view(id: string): Promise<JobView | null>;
  /** Worker processes connected to this deployment's prediction queues. */
  workersCount(): Promise<number>;
  /** Whether Redis answers a PING right now (never throws). */
  redisAnswers(): Promise<boolean>;
}
