import { SENTIMENTS } from '@sentiment/core';
import { z } from 'zod';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { MAX_JOB_TEXTS, MAX_TEXT_CHARS } from './limits.js';

/**
 * The prediction queue of one model (a registry name): one job = one HTTP request's texts (1 for /predict,
 * ≤100 /batch, ≤10,000 /jobs), or a shadow run of a job answered by another model. A queue per model, so a
 * job only ever reaches workers that hold its model, and each model's pool scales on its own queue.
 */
export function predictionQueueName(model: string): string {
  return `predictions.${model}`;
}
/** The model whose queue this is, or undefined for another queue. */
export function modelOfQueue(queueName: string): string | undefined {
  return queueName.startsWith('predictions.') ? queueName.slice('predictions.'.length) : undefined;
}
/** Rows whose Postgres write failed wait here (in Redis) until the database is back. */
export const PERSIST_QUEUE = 'prediction-writes';

/** Housekeeping on a schedule (retention), kept off the prediction queue so it never waits behind bulk work. */
export const MAINTENANCE_QUEUE = 'maintenance';

export const JobName = { classify: 'classify', shadow: 'shadow', persist: 'persist', purge: 'purge-old-predictions' } as const;

export const Sentiment = z.enum(SENTIMENTS);

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
export const Text = z
  .string()
  .max(MAX_TEXT_CHARS, { message: `text longer than ${MAX_TEXT_CHARS} characters` })
  .refine((t) => t.trim().length > 0, { message: 'text is empty or whitespace only' })
  .refine((t) => !NUL.test(t), { message: 'text contains a NUL character' });

/** A registry model name (@sentiment/registry ModelName). */
const Model = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,40}$/);

export const ClassifyJobData = z.object({
  texts: z.array(Text).min(1).max(MAX_JOB_TEXTS),
  /** The model that answers every text of the job (chosen once, by the API): a job never mixes versions. */
  model: Model,
  /** Once answered, the same texts go to this model's queue as a shadow job (stored for comparison only). */
  shadow: Model.optional(),
  /** Which endpoint created the job: decides priority, not behaviour. */
  source: z.enum(['predict', 'batch', 'jobs']),
  /** The HTTP request id, so worker logs can be joined with API logs. */
  requestId: z.string().max(200).optional(),
  /** A job shared by several waiting requests (coalesced by the API): their request ids, in text order. */
  requestIds: z.array(z.string().max(200)).max(MAX_JOB_TEXTS).optional(),
  /** Pub/sub channel of the API instance waiting for this job (see replies.ts); absent for submit-and-poll. */
  replyTo: z.string().max(200).optional(),
  /**
   * Whose result-cache entries this job may read and write (a hash of the caller's credentials, set by
   * the API with CACHE_SCOPE=client): one client never learns from cache_hit what another sent.
   */
  cacheScope: z.string().regex(/^[0-9a-f]{1,64}$/).optional(),
});
export type ClassifyJobData = z.infer<typeof ClassifyJobData>;

export const PredictionResult = z.object({
  /** The stored row's id: deterministic in (job id, item index), so a retried job returns the same ids. */
  id: z.uuid(),
  sentiment: Sentiment,
  confidence: z.number(),
  latency_ms: z.number(),
  model_version: z.string(),
  cache_hit: z.boolean(),
});
export type PredictionResult = z.infer<typeof PredictionResult>;

/** What a shadow job compares against: the serving answer of each text. */
export const ServingAnswer = PredictionResult.pick({ sentiment: true, confidence: true, latency_ms: true, model_version: true });
export type ServingAnswer = z.infer<typeof ServingAnswer>;

/** A shadow run: the texts of a job another model answered, with its answers, for comparison only. */
export const ShadowJobData = z.object({
  model: Model,
  /** The serving job: shadow answers pair with its rows by (job id, item index). */
  servingJobId: z.string().max(255),
  texts: z.array(Text).min(1).max(MAX_JOB_TEXTS),
  serving: z.array(ServingAnswer).min(1).max(MAX_JOB_TEXTS),
}).refine((d) => d.serving.length === d.texts.length, { message: 'one serving answer per text', path: ['serving'] });
export type ShadowJobData = z.infer<typeof ShadowJobData>;

/** The id of the shadow job of `servingJobId`: never a uuid, so GET /jobs/:id never shows it. */
export const shadowJobId = (servingJobId: string) => `shadow-${servingJobId}`;

export const ClassifyJobResult = z.object({
  predictions: z.array(PredictionResult),
  total: z.number().int(),
});
export type ClassifyJobResult = z.infer<typeof ClassifyJobResult>;

export const JobProgress = z.object({ done: z.number().int(), total: z.number().int() });
export type JobProgress = z.infer<typeof JobProgress>;

/** A prediction row parked in the persist queue while Postgres is away (the `predictions` table's columns, as JSON). */
export const ParkedRow = z.object({
  id: z.uuid(),
  timestamp: z.string(), // ISO 8601; a string so it survives JSON in Redis
  inputText: z.string().nullable(),
  sentiment: Sentiment,
  confidence: z.number(),
  latencyMs: z.number(),
  modelVersion: z.string(),
  cacheHit: z.boolean(),
  jobId: z.string(),
  itemIndex: z.number().int(),
});
export type ParkedRow = z.infer<typeof ParkedRow>;

export const PersistJobData = z.object({ rows: z.array(ParkedRow).min(1) });
export type PersistJobData = z.infer<typeof PersistJobData>;

/**
 * A maintenance run of the predictions table (the scheduler's template carries the retention): create
 * the day partitions ahead, drop those wholly older than `retentionDays`, delete older comparison rows.
 */
export const PurgeJobData = z.object({ retentionDays: z.number().int().min(1) });
export type PurgeJobData = z.infer<typeof PurgeJobData>;

export const PurgeJobResult = z.object({
  /** Day partitions ending at or before this instant were dropped; comparison rows before it deleted. */
  cutoff: z.string(),
  /** Rows gone: predictions in the dropped partitions plus comparison rows. */
  deleted: z.number().int(),
  /** Partitions dropped, and created ahead, by this run. */
  partitionsDropped: z.array(z.string()),
  partitionsCreated: z.array(z.string()),
  /** false when the per-run cap stopped the run early; the next run continues. */
  complete: z.boolean(),
});
export type PurgeJobResult = z.infer<typeof PurgeJobResult>;

/** A new prediction job's id: a UUIDv7, whose leading bits say when it was made (`jobIdTime`, @sentiment/core). */
export function newJobId(): string {
  return uuidv7();
}

const ROW_ID_NAMESPACE = '6f1c2a52-3d7e-4b0e-9a51-2f8d1c0b7e44';
/** The id of item `index` of job `jobId`: the same on every retry, so callers and rows agree. */
export function predictionId(jobId: string, index: number): string {
  return uuidv5(`${jobId}:${index}`, ROW_ID_NAMESPACE);
}
