import type { Redis } from 'ioredis';

/**
 * Texts accepted and not yet answered (waiting AND being processed), counted in O(1) for the API's
 * backpressure (MAX_QUEUE_DEPTH), over every model's queue. Two keys per deployment: a hash of
 * `<queue>|<job id>` → text count and a running total. Each change is one Lua script, so the total always equals the sum of the hash:
 * - the API records a job when it queues it (HSETNX: a job counts once, however often it is recorded);
 * - a worker finishes it when the job completes or fails for good (HDEL first: never subtracted twice);
 * - reconcile() removes entries of jobs that are gone or finished without it (removed in Bull Board, a
 *   worker that died between completing a job and finishing it), so the count cannot drift for long.
 * A job queued by an API that died before recording it is not counted: an undercount of one job.
 */
export function workKeys(prefix: string) {
  return { texts: `${prefix}:work:texts`, total: `${prefix}:work:total` };
}

const RECORD = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('INCRBY', KEYS[2], ARGV[2]) end
return 0`;

const FINISH = `
local n = redis.call('HGET', KEYS[1], ARGV[1])
if n then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('DECRBY', KEYS[2], n)
end
return 0`;

// ARGV: the BullMQ prefix followed by ':', HSCAN cursor, batch size. A field is '<queue>|<job id>', so
// the job's hash is <prefix>:<queue>:<id> and its queue's finished sets <prefix>:<queue>:completed|failed.
const RECONCILE = `
local scan = redis.call('HSCAN', KEYS[1], ARGV[2], 'COUNT', ARGV[3])
local fields = scan[2]
local removed = 0
for i = 1, #fields, 2 do
  local sep = string.find(fields[i], '|', 1, true) or 0
  local queue = ARGV[1] .. string.sub(fields[i], 1, sep - 1) .. ':'
  local id = string.sub(fields[i], sep + 1)
  if sep == 0 or redis.call('EXISTS', queue .. id) == 0 or redis.call('ZSCORE', queue .. 'completed', id) or redis.call('ZSCORE', queue .. 'failed', id) then
    redis.call('HDEL', KEYS[1], id)
    redis.call('DECRBY', KEYS[2], fields[i + 1])
    removed = removed + tonumber(fields[i + 1])
  end
end
return {scan[1], removed}`;

type WorkRedis = Redis & {
  recordWork(texts: string, total: string, jobId: string, n: string): Promise<number>;
  finishWork(texts: string, total: string, jobId: string): Promise<number>;
  reconcileWork(texts: string, total: string, prefix: string, cursor: string, count: string): Promise<[string, number]>;
};

export interface WorkInProgress {
  /** Job `jobId` of queue `queueName` holds `texts` texts. */
  record(queueName: string, jobId: string, texts: number): Promise<void>;
  finish(queueName: string, jobId: string): Promise<void>;
  /** Texts accepted and not yet answered: one GET. */
  texts(): Promise<number>;
  /** Drops entries of jobs that no longer wait or run; returns the texts removed from the count. */
  reconcile(): Promise<number>;
}

export function workInProgress(connection: Redis, prefix: string): WorkInProgress {
  // Defined commands run as EVALSHA: the script text is sent once per connection, not per call.
  if (!('recordWork' in connection)) {
    connection.defineCommand('recordWork', { lua: RECORD, numberOfKeys: 2 });
    connection.defineCommand('finishWork', { lua: FINISH, numberOfKeys: 2 });
    connection.defineCommand('reconcileWork', { lua: RECONCILE, numberOfKeys: 2 });
  }
  const redis = connection as WorkRedis;
  const keys = workKeys(prefix);
  return {
    async record(queueName, jobId, texts) {
      await redis.recordWork(keys.texts, keys.total, `${queueName}|${jobId}`, String(texts));
    },
    async finish(queueName, jobId) {
      await redis.finishWork(keys.texts, keys.total, `${queueName}|${jobId}`);
    },
    async texts() {
      return Math.max(0, Number((await redis.get(keys.total)) ?? 0));
    },
    async reconcile() {
      let cursor = '0';
      let removed = 0;
      do {
        const [next, n] = await redis.reconcileWork(keys.texts, keys.total, `${prefix}:`, cursor, '500');
        cursor = next;
        removed += Number(n);
      } while (cursor !== '0');
      return removed;
    },
  };
}
