import { z } from 'zod';
import { ClassifyJobResult } from './contract.js';

/**
 * Direct replies (like Celery's RPC result backend): an API instance that waits for a job subscribes
 * to its own channel and names it in the job's `replyTo`; the worker publishes the outcome there the
 * moment the rows are durable. Cheaper than QueueEvents, which makes every API instance read and
 * parse every event of every job. Pub/sub may drop a message (e.g. during a reconnect): the waiter
 * then times out into the usual 202 + poll, and the job's stored result stays the source of truth.
 */
export function replyChannel(prefix: string, instanceId: string): string {
  return `${prefix}:replies:${instanceId}`;
}

/** Only channels of this deployment: job data comes from Redis, so never publish where it says blindly. */
export function isReplyChannel(prefix: string, channel: string): boolean {
  return channel.startsWith(`${prefix}:replies:`);
}

export const JobReply = z.discriminatedUnion('state', [
  z.object({ jobId: z.string(), state: z.literal('completed'), result: ClassifyJobResult }),
  z.object({ jobId: z.string(), state: z.literal('failed'), reason: z.string() }),
]);
export type JobReply = z.infer<typeof JobReply>;
