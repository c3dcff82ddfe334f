import { workInProgress, type WorkInProgress } from '@sentiment/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * How many texts the pipeline holds: accepted and not yet answered, waiting or being processed (so
 * bulk jobs already taken by workers count too). The count lives in Redis (@sentiment/queue
 * work-in-progress.ts): the API records each job it queues, workers finish it; a read is one GET,
 * whatever the backlog. Reads are cached for `cacheMs` per API instance; every `reconcileMs` the
 * instance drops entries of jobs that are gone, so a count never drifts for long.
 */
export interface QueueDepth {
  /** Notes that job `jobId` of queue `queueName` carries `texts` texts (once per job; repeats are ignored). */
  record(queueName: string, jobId: string, texts: number): Promise<void>;
  /** Texts waiting or in progress, read at most once per `cacheMs`. */
  pendingTexts(): Promise<number>;
}

export interface QueueDepthOptions {
  /** The BullMQ prefix of the prediction queues. */
  prefix: string;
  /** The connection the queues use (the scripts run on it, next to BullMQ's own). */
  redis: Redis;
  cacheMs?: number;
  reconcileMs?: number;
  logger?: Logger;
}

export function queueDepth({ prefix, redis, cacheMs = 250, reconcileMs = 30_000, logger }: QueueDepthOptions): QueueDepth {
  const work: WorkInProgress = workInProgress(redis, prefix);
  let cached: { value: number; at: number } | undefined;
  let inFlight: Promise<number> | undefined;

  const reconcile = () =>
    work.reconcile().then(
      (removed) => {
        if (removed > 0) logger?.info({ removed }, 'texts of jobs that ended without being counted out removed from the queue depth');
      },
      (err: unknown) => logger?.debug({ err }, 'queue depth reconcile skipped'),
    );
  setInterval(reconcile, reconcileMs).unref();

  return {
    record: (queueName, jobId, texts) => work.record(queueName, jobId, texts),
    pendingTexts() {
      if (cached && Date.now() - cached.at < cacheMs) return Promise.resolve(cached.value);
      // One read in flight per instance, however many requests ask at once.
      inFlight ??= work
        .texts()
        .then((value) => ((cached = { value, at: Date.now() }), value))
        .finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}
