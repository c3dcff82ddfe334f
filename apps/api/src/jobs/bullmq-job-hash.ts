import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * The bullmq version whose job-hash layout this file was checked against. test/bullmq-job-hash.test.ts
 * fails when the installed bullmq differs: whoever upgrades it re-checks the field names and encodings
 * below against that version's `Job.fromJSON` (and its backend's raw-to-JSON step), then bumps this.
 */
export const BULLMQ_VERSION_CHECKED = '6.7.0';

/** The fields of a job a status view needs, decoded as BullMQ's own `Job` decodes them. */
export interface JobHashFields<Result> {
  timestamp: number;
  finishedOn?: number;
  /** As the worker reported it (JSON); BullMQ's default before any report is the number 0. */
  progress: unknown;
  failedReason?: string;
  /** Only when asked for (it can be large). */
  returnvalue?: Result;
}

/**
 * Reads single fields of BullMQ's job hash (`<prefix>:<queue>:<id>`), where `Queue.getJob` would
 * HGETALL it: a job carries every text (~1 MB for a 10,000-text job), which a client polling a
 * job's progress would otherwise reload every time. The ONLY place that knows the hash's layout.
 */
export interface BullmqJobHash<Data, Result> {
  /** A few small fields (and `returnvalue` when `withReturnValue`), or null when the job is gone. */
  fields(jobId: string, options: { withReturnValue: boolean }): Promise<JobHashFields<Result> | null>;
  /** The job's data (every text), or undefined when the job is gone. */
  data(jobId: string): Promise<Data | undefined>;
  /** The result as stored (JSON bytes, not parsed), or undefined when there is none (or the job is gone). */
  returnValueJson(jobId: string): Promise<Buffer | undefined>;
}

/** `redis` is the connection `queue` uses (reads go to the same server and database as BullMQ's own). */
export function bullmqJobHash<Data, Result>(queue: Queue<Data, Result>, redis: Redis): BullmqJobHash<Data, Result> {
  return {
    async fields(jobId, { withReturnValue }) {
      const [timestamp, finishedOn, progress, failedReason, returnvalue] = await redis.hmget(
        queue.toKey(jobId),
        'timestamp',
        'finishedOn',
        'progress',
        'failedReason',
        ...(withReturnValue ? ['returnvalue'] : []),
      );
      if (timestamp === null) return null; // no such job (or removed in between)
      return {
        timestamp: Number(timestamp),
        finishedOn: finishedOn ? Number(finishedOn) : undefined,
        progress: progress ? (JSON.parse(progress) as unknown) : 0,
        failedReason: failedReason ?? undefined,
        returnvalue: withReturnValue && returnvalue ? (JSON.parse(returnvalue) as Result) : undefined,
      };
    },
    async data(jobId) {
      const data = await redis.hget(queue.toKey(jobId), 'data');
      return data === null ? undefined : (JSON.parse(data) as Data);
    },
    async returnValueJson(jobId) {
      const json = await redis.hgetBuffer(queue.toKey(jobId), 'returnvalue');
      return json === null || json.length === 0 ? undefined : json;
    },
  };
}
