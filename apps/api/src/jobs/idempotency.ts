import { createHash } from 'node:crypto';
import { newJobId } from '@sentiment/queue';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { HttpError } from '../errors.js';
import type { PredictionQueues } from '../queue-clients.js';
import type { ClassifyJob, IdempotencyKey, JobSource, SubmitOptions, Submitted } from './prediction-jobs.js';
import type { RedisGuard } from './redis-guard.js';
import type { JobAdder } from './submit.js';

/** How long an Idempotency-Key is remembered (Stripe's 24 h); longer than results live (RESULT_TTL_S). */
export const IDEMPOTENCY_TTL_S = 24 * 3600;
/** How long a duplicate waits for the request holding its key to queue the job (normally ~1 ms) before adding it itself. */
const CLAIM_WAIT_MS = 1000;

/** Stored under the key in Redis: which job it created, and a hash of the input it was created for. */
interface KeyRecord {
  jobId: string;
  inputHash: string;
  /** The job was added (so a missing job has expired, rather than never been queued). */
  queued: boolean;
  /** Epoch ms the key was claimed (absent in records written before it existed). */
  claimedAt?: number;
  /** The model (and shadow) chosen for the job: a retry re-adds it on the same model's queue. */
  model?: string;
  shadow?: string;
}

export interface IdempotentSubmitter {
  submitOnce(texts: string[], source: JobSource, options: SubmitOptions, idempotency: IdempotencyKey): Promise<Submitted>;
}

export interface IdempotentSubmitterDeps {
  redis: Redis;
  queues: PredictionQueues;
  prefix: string;
  guarded: RedisGuard;
  add: JobAdder['add'];
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Queues the texts once per Idempotency-Key: the first request claims the key (`SET NX`, atomic, so
 * of concurrent duplicates exactly one wins) with the job id it will use, and queues the job; the
 * others get that job back (`replayed`). The same key with other texts is a 422, as in Stripe's API
 * and the IETF draft. A claim is never released: if its holder's add failed ambiguously (a timeout,
 * a reset after Redis ran it) or the holder died, a retry adds the job under the claimed id, which
 * BullMQ ignores when it exists, so the texts are queued at most once.
 */
export function createIdempotentSubmitter({ redis, queues, prefix, guarded, add }: IdempotentSubmitterDeps): IdempotentSubmitter {
  return {
    async submitOnce(texts, source, options, idempotency) {
      const record = keyRecord(redis, guarded, idempotencyRedisKey(prefix, source, idempotency));
      const inputHash = sha256(JSON.stringify(idempotency.pinned === undefined ? texts : [texts, idempotency.pinned]));
      /** The model the key's job was (or will be) queued for: the claim's, whatever routing says now. */
      const modelOf = (claim: KeyRecord) => ({ model: claim.model ?? options.model, shadow: claim.model ? claim.shadow : options.shadow });
      /** Adds the job under the record's id (BullMQ ignores the add if it exists), then marks the key queued. */
      const addUnder = async (claim: KeyRecord): Promise<Submitted> => {
        const submitted = await add(texts, source, { ...options, ...modelOf(claim) }, claim.jobId);
        await record.markQueued(claim);
        return submitted;
      };
      /** The answer for a key someone else holds; undefined while its holder is (probably) still adding the job. */
      const followHeld = async (held: KeyRecord): Promise<Submitted | undefined> => {
        if (held.inputHash !== inputHash) throw keyReused(held);
        const existing: ClassifyJob | undefined = await guarded(() => queues.of(modelOf(held).model).getJob(held.jobId));
        if (existing) {
          if (!held.queued) await record.markQueued(held);
          return { job: existing, replayed: true };
        }
        if (held.queued) throw jobExpired(held);
        // Claimed, not queued yet: the holder is adding it right now (normally ~1 ms), so give it a moment;
        // after that it failed or died, and this request adds the job under the claimed id itself.
        if (Date.now() - (held.claimedAt ?? 0) < CLAIM_WAIT_MS) return undefined;
        return addUnder(held);
      };

      for (;;) {
        const claim: KeyRecord = { jobId: newJobId(), inputHash, queued: false, claimedAt: Date.now(), model: options.model, ...(options.shadow && { shadow: options.shadow }) };
        if (await record.claim(claim)) return addUnder(claim);
        const held = await record.read();
        if (held === null) continue; // expired in between: claim it afresh
        const submitted = await followHeld(held);
        if (submitted) return submitted;
        await delay(10);
      }
    },
  };
}

/** Namespaced by deployment (queue prefix), endpoint and sender, so none of them share keys. */
function idempotencyRedisKey(prefix: string, source: JobSource, { key, principal }: IdempotencyKey): string {
  return `${prefix}:idempotency:${source}:${sha256(principal)}:${sha256(key)}`;
}

/** One Idempotency-Key's record in Redis. */
function keyRecord(redis: Redis, guarded: RedisGuard, redisKey: string) {
  return {
    /** Claims the key with `record` unless someone holds it (`SET NX`): true when this call won. */
    claim: async (record: KeyRecord) => (await guarded(() => redis.set(redisKey, JSON.stringify(record), 'EX', IDEMPOTENCY_TTL_S, 'NX'))) === 'OK',
    read: async (): Promise<KeyRecord | null> => {
      const raw = await guarded(() => redis.get(redisKey));
      return raw === null ? null : (JSON.parse(raw) as KeyRecord);
    },
    markQueued: (record: KeyRecord) => guarded(() => redis.set(redisKey, JSON.stringify({ ...record, queued: true }), 'EX', IDEMPOTENCY_TTL_S, 'XX')),
  };
}

function keyReused(held: KeyRecord): HttpError {
  return new HttpError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used with a different request body', { job_id: held.jobId });
}

function jobExpired(held: KeyRecord): HttpError {
  return new HttpError(410, 'job_expired', 'the job created with this Idempotency-Key has expired; use a new key to run it again', {
    job_id: held.jobId,
  });
}
