import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { IDEMPOTENCY_TTL_S } from './idempotency.js';
import type { Submitted } from './prediction-jobs.js';
import type { RedisGuard } from './redis-guard.js';

/** A 202 for a share of a coalesced job points at a ticket, which lives as long as an Idempotency-Key. */
const TICKET_TTL_S = IDEMPOTENCY_TTL_S;

/** What a ticket stands for: texts `start … start + count - 1` of job `jobId` (on `queueName`). */
export interface Ticket {
  jobId: string;
  queueName?: string;
  start: number;
  count: number;
}

export interface Tickets {
  /**
   * The id a 202 names: the job's own, or for a share of a coalesced job a new ticket that shows only
   * this request's texts (other requests' predictions are theirs alone).
   */
  acceptedId(submitted: Submitted): Promise<string>;
  /** The ticket's share, or null when there is no such ticket (or it expired). Unguarded: call it inside a RedisGuard. */
  read(ticket: string): Promise<Ticket | null>;
}

export function createTickets({ redis, prefix, guarded }: { redis: Redis; prefix: string; guarded: RedisGuard }): Tickets {
  const ticketKey = (ticket: string) => `${prefix}:ticket:${ticket}`;
  return {
    async acceptedId({ job, share }) {
      if (!share) return job.id!;
      const ticket = randomUUID();
      await guarded(() => redis.set(ticketKey(ticket), JSON.stringify({ jobId: job.id, queueName: job.queueName, ...share }), 'EX', TICKET_TTL_S));
      return ticket;
    },
    async read(ticket) {
      const raw = await redis.get(ticketKey(ticket));
      return raw === null ? null : (JSON.parse(raw) as Ticket);
    },
  };
}
