import { setTimeout as delay } from 'node:timers/promises';
import { ClassifyJobResult } from '@sentiment/queue';
import { JobFailedError } from '../errors.js';
import type { Finish, JobReplies, PendingReply } from '../job-replies.js';
import type { PredictionQueues } from '../queue-clients.js';
import type { Submitted } from './prediction-jobs.js';
import type { RedisGuard } from './redis-guard.js';

/** Polling a waited-for job's state, a fallback to its reply: first after this, then doubling up to MAX_POLL_MS. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2000;

export interface ReplyWaiter {
  /** The result if the job finishes within `timeoutMs`; null if it is still pending. */
  waitForResult(submitted: Submitted, timeoutMs: number): Promise<ClassifyJobResult | null>;
}

export interface ReplyWaiterDeps {
  queues: PredictionQueues;
  replies: Pick<JobReplies, 'expect'>;
  guarded: RedisGuard;
}

export function createReplyWaiter({ queues, replies, guarded }: ReplyWaiterDeps): ReplyWaiter {
  /** The job's outcome once it is done; read once, for jobs that may have finished before anyone listened. */
  const currentOutcome = (queueName: string, id: string) =>
    guarded(async (): Promise<Finish> => {
      const queue = queues.named(queueName);
      if (!queue) return { state: 'pending' };
      const state = await queue.getJobState(id);
      if (state !== 'completed' && state !== 'failed') return { state: 'pending' };
      const done = await queue.getJob(id);
      return state === 'completed' ? { state, value: done?.returnvalue } : { state, reason: done?.failedReason || 'the job failed' };
    });

  /**
   * The job's outcome within `timeoutMs`, else `pending`. The reply channel is the fast path; the
   * job's state is also polled with backoff, for replies that go elsewhere (a replayed job queued by
   * another request or instance), were lost in a Redis reconnect, or come from workers that do not reply.
   */
  async function awaitOutcome(queueName: string, id: string, timeoutMs: number, expected?: PendingReply): Promise<Finish> {
    const reply = expected ?? replies.expect(id);
    const settled = reply.settle(timeoutMs);
    const deadline = Date.now() + timeoutMs;
    // A job queued just now cannot be done yet; one queued earlier may be.
    let pollInMs = expected ? FIRST_POLL_MS : 0;
    for (;;) {
      const wait = Math.min(pollInMs, deadline - Date.now());
      const replied = await Promise.race([settled, delay(Math.max(wait, 0)).then(() => null)]);
      if (replied) return replied;
      if (Date.now() >= deadline) return settled;
      let polled: Finish;
      try {
        polled = await currentOutcome(queueName, id);
      } catch (err) {
        reply.cancel();
        throw err;
      }
      if (polled.state !== 'pending') {
        reply.cancel();
        return polled;
      }
      pollInMs = Math.min(Math.max(pollInMs * 2, FIRST_POLL_MS), MAX_POLL_MS);
    }
  }

  return {
    async waitForResult({ job, reply, share }, timeoutMs) {
      const id = job.id!;
      const finish = await awaitOutcome(job.queueName, id, timeoutMs, reply);
      if (finish.state === 'pending') return null;
      if (finish.state === 'failed') throw new JobFailedError(id, finish.reason);
      // A result that breaks the contract is a worker bug: a plain error, so a 500.
      const result = ClassifyJobResult.parse(finish.value);
      if (!share) return result;
      return { predictions: result.predictions.slice(share.start, share.start + share.count), total: share.count };
    },
  };
}
