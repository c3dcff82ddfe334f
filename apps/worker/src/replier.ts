import { isReplyChannel, type ClassifyJobResult, type JobReply } from '@sentiment/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface Replier {
  completed(job: Job, result: ClassifyJobResult): void;
  failed(job: Job, reason: string): void;
}

/**
 * Publishes a job's outcome to the reply channel its producer named (@sentiment/queue replies.ts).
 * Fire and forget: a lost reply only turns that request into a 202 + poll.
 */
export function createReplier(redis: Pick<Redis, 'publish'>, prefix: string, logger: Logger): Replier {
  function send(job: Job, reply: JobReply): void {
    const channel = (job.data as { replyTo?: unknown } | undefined)?.replyTo;
    if (typeof channel !== 'string' || !isReplyChannel(prefix, channel)) return;
    redis.publish(channel, JSON.stringify(reply)).catch((err: unknown) => logger.debug({ err, jobId: job.id }, 'reply not published'));
  }
  return {
    completed: (job, result) => send(job, { jobId: job.id!, state: 'completed', result }),
    failed: (job, reason) => send(job, { jobId: job.id!, state: 'failed', reason }),
  };
}
