import { ClassifyJobData, JobName, type ClassifyJobResult, type JobProgress } from '@sentiment/queue';
import type { Replier } from './replier.js';
import { PermanentWriteError } from '@sentiment/db';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Batcher } from './batcher.js';

export interface ProcessorDeps {
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

export type ClassifyJob = Job<unknown, ClassifyJobResult, string>;

/** Rows Postgres refused for good would be refused again: no retries, the job fails with the reason. */
function failForGood(err: unknown): never {
  if (err instanceof PermanentWriteError) throw new UnrecoverableError(err.message);
  throw err;
}

/** The BullMQ processor for JobName.classify on PREDICTION_QUEUE. */
export function makeProcessor({ batcher, logger, chunkSize, replier, redactTexts: redact = false, maxBulkJobs = 4, bulkRetryMs = 1000 }: ProcessorDeps) {
  let bulkRunning = 0;
  return async function processClassify(job: ClassifyJob, token?: string): Promise<ClassifyJobResult> {
    if (job.name !== JobName.classify) {
      throw new UnrecoverableError(`unknown job name "${job.name}" (expected "${JobName.classify}")`);
    }
    const parsed = ClassifyJobData.safeParse(job.data);
    if (!parsed.success) {
      // Bad input never gets better on retry: fail now, keep the worker going.
      const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ');
      logger.warn({ jobId: job.id, reason }, 'rejected malformed classify job');
      throw new UnrecoverableError(`invalid classify job: ${reason}`);
    }
    // /predict and /batch callers wait for the answer; /jobs callers poll.
    const interactive = parsed.data.source !== 'jobs';
    if (!interactive && token !== undefined) {
      if (bulkRunning >= maxBulkJobs) {
        // Back to the queue without an attempt counted: the slot goes to whatever waits, interactive first.
        await job.moveToDelayed(Date.now() + bulkRetryMs, token);
        throw new DelayedError();
      }
      bulkRunning++;
      try {
        return await classify(job, parsed.data, interactive);
      } finally {
        bulkRunning--;
      }
    }
    return classify(job, parsed.data, interactive);
  };

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

    // Every chunk is submitted right away, so they pool with other jobs' texts into full batches; a turn of
    // the event loop between chunks lets interactive work in while a large job's texts are hashed and queued.
    const chunks: Promise<ClassifyJobResult['predictions']>[] = [];
    for (let start = 0; start < total; start += chunkSize) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      const slice = texts.slice(start, start + chunkSize);
      const chunk = batcher.submit({ jobId, startIndex: start, texts: slice, interactive, cacheScope }).then(async (results) => {
        // A one-chunk job goes straight from 0 to done: completion itself is the progress report.
        if (slice.length < total) await report(slice.length);
        return results;
      });
      chunk.catch(() => undefined); // awaited below; a chunk failing while later ones are submitted is not unhandled
      chunks.push(chunk);
    }
    const predictions = (await Promise.all(chunks).catch(failForGood)).flat();
    await progress;
    log.info({ total }, 'classify job done');
    const result: ClassifyJobResult = { predictions, total };
    if (redact) await redactTexts(job);
    // The rows are durable now: the waiting request need not wait for BullMQ's completion round trip.
    replier?.completed(job, result);
    return result;
  }
}
