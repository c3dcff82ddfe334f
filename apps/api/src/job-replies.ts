import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createRedisConnection, JobReply, replyChannel, type RedisTarget } from '@sentiment/queue';

export type Finish = { state: 'completed'; value: unknown } | { state: 'failed'; reason: string } | { state: 'pending' };

/** A reply being waited for; registered before the job is queued, so even an instant reply is caught. */
export interface PendingReply {
  /** Settles with the job's outcome, or `pending` after `timeoutMs`. Call once. */
  settle(timeoutMs: number): Promise<Finish>;
  /** Stop waiting (the job was never queued). */
  cancel(): void;
}

export interface JobReplies {
  /** This instance's channel: put it in the job's `replyTo`. */
  channel: string;
  expect(jobId: string): PendingReply;
  /** Resolves once subscribed (replies published before that are missed, and their waiters time out into a 202). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

type Waiter = (finish: Finish) => void;

/**
 * Subscribes to this API instance's reply channel (see @sentiment/queue replies.ts) on its own
 * connection, which ioredis re-subscribes after a reconnect. A reply nobody waits for any more
 * (the request already answered 202) is dropped: the job's stored result serves the poll.
 */
export function createJobReplies({ redis, prefix, logger }: { redis: RedisTarget; prefix: string; logger: Logger }): JobReplies {
  const channel = replyChannel(prefix, randomUUID());
  const waiters = new Map<string, Set<Waiter>>();
  // autoResubscribe (ioredis' default) subscribes again on every reconnect, to whichever primary the
  // sentinels name after a failover.
  const subscriber = createRedisConnection(redis, { maxRetriesPerRequest: null, autoResubscribe: true });
  subscriber.on('error', () => {}); // outages are reported once by the command connection (queue-clients.ts)
  const subscribed = subscriber.subscribe(channel).then(
    () => undefined,
    (err: unknown) => logger.debug({ err }, 'reply channel subscribe failed; ioredis retries on reconnect'),
  );
  subscriber.on('message', (_channel: string, message: string) => {
    let reply: JobReply;
    try {
      reply = JobReply.parse(JSON.parse(message));
    } catch (err) {
      logger.warn({ err }, 'malformed job reply ignored');
      return;
    }
    const set = waiters.get(reply.jobId);
    if (!set) return;
    const finish: Finish = reply.state === 'completed' ? { state: 'completed', value: reply.result } : { state: 'failed', reason: reply.reason };
    for (const w of set) w(finish);
  });

  function expect(jobId: string): PendingReply {
    let early: Finish | undefined;
    let timer: NodeJS.Timeout | undefined;
    let deliver: Waiter = (finish) => (early = finish);
    const waiter: Waiter = (finish) => deliver(finish);
    let set = waiters.get(jobId);
    if (!set) waiters.set(jobId, (set = new Set()));
    set.add(waiter);
    const cancel = () => {
      clearTimeout(timer);
      set.delete(waiter);
      if (set.size === 0 && waiters.get(jobId) === set) waiters.delete(jobId);
    };
    return {
      settle(timeoutMs) {
        if (early) {
          cancel();
          return Promise.resolve(early);
        }
        return new Promise<Finish>((resolve) => {
          deliver = (finish) => {
            cancel();
            resolve(finish);
          };
          timer = setTimeout(() => deliver({ state: 'pending' }), timeoutMs);
        });
      },
      cancel,
    };
  }

  return {
    channel,
    expect,
    ready: () => subscribed,
    async close() {
      for (const set of waiters.values()) for (const w of set) w({ state: 'pending' });
      waiters.clear();
      if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
      else subscriber.disconnect();
    },
  };
}
