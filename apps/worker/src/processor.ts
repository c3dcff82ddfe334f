import { ClassifyJobData, JobName, predictionId, ShadowJobData, type ClassifyJobResult, type JobProgress, type PredictionResult } from '@sentiment/queue';
import type { Replier } from './replier.js';
import { PermanentWriteError, type ModelComparisonRow } from '@sentiment/db/threaded';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Batcher } from './batcher.js';

/** Shadow runs: where a served job's texts go for another model, and where compared answers are stored. */
export interface ShadowDeps {
  /** Queues a shadow job (never throws: a shadow that cannot be queued is logged and skipped). */
  enqueue(servingJobId: string, model: string, texts: string[], serving: PredictionResult[]): Promise<void>;
  /** Stores serving/shadow answer pairs (model_comparisons); idempotent. */
  writeComparisons(rows: ModelComparisonRow[]): Promise<void>;
}

export interface ProcessorDeps {
  /** The registry model this worker serves on this queue; a job for another model fails. */
  model: string;
  batcher: Pick<Batcher, 'submit'>;
  logger: Logger;
  /** Texts of one job submitted per progress step. */
  chunkSize: number;
  /** Tells a waiting API instance the outcome at once (jobs with `replyTo`). */
  replier?: Pick<Replier, 'completed'>;
  /** STORE_INPUT_TEXT=false: blank the texts in the job's own hash once answered (see redactTexts). */
  redactTexts?: boolean;
  /**
   * Bulk (/jobs) jobs this worker runs at once; one more is put back (delayed by `bulkRetryMs`) instead
   * of taking an active slot, so bulk jobs can never fill WORKER_CONCURRENCY and shut interactive jobs
   * out. Each running bulk job submits all its texts at once, so a few keep the model busy. Default 4.
   */
  maxBulkJobs?: number;
  bulkRetryMs?: number;
  shadow?: ShadowDeps;
}

/**
 * Blanks a job's texts in Redis, keeping their count (status views read it): with STORE_INPUT_TEXT=false
 * no input text outlives its job's answer, neither in Postgres nor in BullMQ's job hash (Bull Board).
 * A redacted job retried from Bull Board fails as invalid: there is nothing left to classify.
 */
export async function redactTexts(job: Job): Promise<void> {
  const data = job.data as { texts?: unknown };
  if (!Array.isArray(data?.texts)) return;
  await job.updateData({ ...data, texts: data.texts.map(() => '') });
}

/** A job of a model's prediction queue: classify (answers a result) or shadow (stores comparisons, answers nothing). */
export type ClassifyJob = Job<unknown, ClassifyJobResult | undefined, string>;

/** Rows Postgres refused for good would be refused again: no retries, the job fails with the reason. */
function failForGood(err: unknown): never {
  if (err instanceof PermanentWriteError) throw new UnrecoverableError(err.message);
  throw err;
}

/** Bad input never gets better on retry: fail now, keep the worker going. */
function parseOrFail<S extends z.ZodType>(schema: S, job: Job, logger: Logger): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (parsed.success) return parsed.data;
  const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ');
  logger.warn({ jobId: job.id, reason }, `rejected malformed ${job.name} job`);
  throw new UnrecoverableError(`invalid ${job.name} job: ${reason}`);
}

/** The BullMQ processor of one model's prediction queue: classify jobs, and shadow runs of other models' jobs. */
export function makeProcessor({ model, batcher, logger, chunkSize, replier, redactTexts: redact = false, maxBulkJobs = 4, bulkRetryMs = 1000, shadow }: ProcessorDeps) {
  let bulkRunning = 0;
  return async function processPredictionJob(job: ClassifyJob, token?: string): Promise<ClassifyJobResult | undefined> {
    if (job.name !== JobName.classify && job.name !== JobName.shadow) {
      throw new UnrecoverableError(`unknown job name "${job.name}" (expected "${JobName.classify}" or "${JobName.shadow}")`);
    }
    const data = job.name === JobName.classify ? parseOrFail(ClassifyJobData, job, logger) : parseOrFail(ShadowJobData, job, logger);
    if (data.model !== model) {
      // Only a producer bypassing the API can do this; another worker of this queue would refuse it too.
      throw new UnrecoverableError(`job for model "${data.model}" reached the queue of model "${model}"`);
    }
    // /predict and /batch callers wait for the answer; /jobs callers poll; shadow runs wait behind both.
    const interactive = 'source' in data && data.source !== 'jobs';
    const run = () => ('source' in data ? classify(job, data, interactive) : shadowRun(job, data));
    if (!interactive && token !== undefined) {
      if (bulkRunning >= maxBulkJobs) {
        // Back to the queue without an attempt counted: the slot goes to whatever waits, interactive first.
        await job.moveToDelayed(Date.now() + bulkRetryMs, token);
        throw new DelayedError();
      }
      bulkRunning++;
      try {
        return await run();
      } finally {
        bulkRunning--;
      }
    }
    return run();
  };

  /**
   * Every chunk is submitted right away, so they pool with other jobs' texts into full batches; a turn of
   * the event loop between chunks lets interactive work in while a large job's texts are hashed and queued.
   */
  async function predictAll(jobId: string, texts: string[], opts: { interactive: boolean; cacheScope?: string; shadow?: boolean }, onChunk?: (n: number) => Promise<void>) {
    const chunks: Promise<PredictionResult[]>[] = [];
    for (let start = 0; start < texts.length; start += chunkSize) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      const slice = texts.slice(start, start + chunkSize);
      const chunk = batcher.submit({ jobId, startIndex: start, texts: slice, ...opts }).then(async (results) => {
        await onChunk?.(slice.length);
        return results;
      });
      chunk.catch(() => undefined); // awaited below; a chunk failing while later ones are submitted is not unhandled
      chunks.push(chunk);
    }
    return (await Promise.all(chunks).catch(failForGood)).flat();
  }

  /** Answers a served job's texts again with this model, and stores each pair; nothing reaches `predictions`. */
  async function shadowRun(job: ClassifyJob, data: ShadowJobData): Promise<undefined> {
    if (!shadow) throw new UnrecoverableError('this worker stores no shadow comparisons');
    const answers = await predictAll(job.id!, data.texts, { interactive: false, shadow: true });
    const timestamp = new Date();
    const rows: ModelComparisonRow[] = answers.map((a, i) => {
      const s = data.serving[i]!;
      return {
        id: predictionId(`${job.id}:${a.model_version}`, i),
        timestamp,
        jobId: data.servingJobId,
        itemIndex: i,
        servingVersion: s.model_version,
        servingSentiment: s.sentiment,
        servingConfidence: s.confidence,
        servingLatencyMs: s.latency_ms,
        shadowVersion: a.model_version,
        shadowSentiment: a.sentiment,
        shadowConfidence: a.confidence,
        shadowLatencyMs: a.latency_ms,
      };
    });
    await shadow.writeComparisons(rows).catch(failForGood);
    if (redact) await redactTexts(job);
    logger.debug({ jobId: job.id, servingJobId: data.servingJobId, total: rows.length }, 'shadow run stored');
    return undefined;
  }

  async function classify(job: ClassifyJob, data: ClassifyJobData, interactive: boolean): Promise<ClassifyJobResult> {
    const { texts, requestId, requestIds, cacheScope } = data;
    const log = logger.child({ jobId: job.id, requestId, requestIds });
    const jobId = job.id!;
    const total = texts.length;
    log.debug({ total }, 'classify job started');

    // Progress updates are chained so they reach Redis in order even when chunks finish out of order.
    let done = 0;
    let progress: Promise<void> = Promise.resolve();
    const report = (n: number): Promise<void> => {
      done += n;
      const update: JobProgress = { done, total };
      progress = progress.then(() => job.updateProgress(update));
      return progress;
    };

    // A one-chunk job goes straight from 0 to done: completion itself is the progress report.
    const predictions = await predictAll(jobId, texts, { interactive, cacheScope }, (n) => (n < total ? report(n) : Promise.resolve()));
    await progress;
    log.info({ total }, 'classify job done');
    const result: ClassifyJobResult = { predictions, total };
    if (redact) await redactTexts(job);
    // The rows are durable now: the waiting request need not wait for BullMQ's completion round trip.
    replier?.completed(job, result);
    // After the reply, so a shadow run adds nothing to the caller's wait (the shadow job carries its own copy of the texts).
    if (data.shadow && data.shadow !== model && shadow) await shadow.enqueue(jobId, data.shadow, texts, predictions);
    return result;
  }
}
