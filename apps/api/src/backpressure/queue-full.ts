import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { HttpError } from '../errors.js';
import type { PredictionJobs, Submitted } from '../jobs/prediction-jobs.js';
import type { QueueDepth } from './queue-depth.js';

export class QueueFullError extends HttpError {
  constructor(maxQueueDepth: number) {
    super(503, 'queue_full', `the prediction queue holds ${maxQueueDepth} or more texts waiting or in progress; retry later`, undefined, {
      'Retry-After': '10',
    });
  }
}

/**
 * Refuses new work (any POST it is mounted on) while `maxQueueDepth` or more texts wait or are being
 * processed, instead of growing the backlog without bound. The depth is cached briefly, so a burst can overshoot the limit
 * by what arrives within one cache period. If the depth cannot be read (Redis down), the request
 * goes on and the queue answers its own 503.
 */
export function refuseWhenFull(depth: QueueDepth, maxQueueDepth: number, logger: Logger): RequestHandler {
  return async (req, _res, next) => {
    if (req.method !== 'POST') return next();
    let waiting: number;
    try {
      waiting = await depth.pendingTexts();
    } catch (err) {
      logger.debug({ err }, 'queue depth unavailable; not applying backpressure');
      return next();
    }
    next(waiting >= maxQueueDepth ? new QueueFullError(maxQueueDepth) : undefined);
  };
}

/** The same jobs, with each new job's text count recorded for `depth` (with or without an Idempotency-Key). */
export function countingTexts(jobs: PredictionJobs, depth: QueueDepth, logger: Logger): PredictionJobs {
  async function recorded(submitted: Submitted): Promise<Submitted> {
    // The job's own count, once per job: of the requests sharing a coalesced job, the one holding its
    // first text records it. The job is queued either way: an unrecorded job is simply not counted.
    const texts = submitted.job.data.texts.length;
    if (!submitted.replayed && (submitted.share?.start ?? 0) === 0) {
      await depth.record(submitted.job.queueName, submitted.job.id!, texts).catch((err: unknown) => logger.debug({ err }, 'could not record text count'));
    }
    return submitted;
  }
  // Every method named, so a method added to PredictionJobs fails to compile here rather than go missing.
  return {
    submit: async (...args) => recorded(await jobs.submit(...args)),
    submitOnce: async (...args) => recorded(await jobs.submitOnce(...args)),
    acceptedId: (submitted) => jobs.acceptedId(submitted),
    waitForResult: (submitted, timeoutMs) => jobs.waitForResult(submitted, timeoutMs),
    status: (job) => jobs.status(job),
    view: (id) => jobs.view(id),
    workersCount: () => jobs.workersCount(),
    redisAnswers: () => jobs.redisAnswers(),
  };
}
