import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * How many texts wait in the prediction queue, exactly, from the API side alone.
 *
 * Design: when the API adds a job it writes the job's text count into the job's own BullMQ hash
 * (field `textCount`); reading the depth sums that field over the ids in the queue's waiting
 * structures (wait, paused, prioritized, delayed) in one Lua script. Trade-off, chosen on purpose:
 * - exact and self-cleaning: a job leaves the sum the moment a worker takes it, and the field
 *   disappears with the job, so nothing drifts when an API instance crashes, a job is removed
 *   from Bull Board or a retry puts a job back (a running counter would drift in all three);
 * - the price is O(waiting jobs) work in Redis per read. Reads are cached (one per `cacheMs` per
 *   API instance) and the script stops as soon as the sum reaches the limit, so a read costs at
 *   most `limit` field lookups, and usually far fewer: bulk jobs carry up to 10,000 texts each;
 * - a job whose count is not written yet (the instant between add and record) counts as 1 text.
 */
const SUM_WAITING_TEXTS = `
local limit = tonumber(ARGV[2])
local total = 0
local function sum(ids)
  for _, id in ipairs(ids) do
    total = total + (tonumber(redis.call('HGET', ARGV[1] .. id, 'textCount')) or 1)
    if limit > 0 and total >= limit then return true end
  end
  return false
end
for i = 1, #KEYS do
  local isList = redis.call('TYPE', KEYS[i]).ok == 'list'
  local from = 0
  while true do
    local ids = isList and redis.call('LRANGE', KEYS[i], from, from + 999) or redis.call('ZRANGE', KEYS[i], from, from + 999)
    if #ids == 0 then break end
    if sum(ids) then return total end
    from = from + 1000
  end
end
return total`;

/** Only while the job still exists: a late write must not resurrect a removed job's hash. */
const RECORD_TEXT_COUNT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'textCount', ARGV[1]) end
return 0`;

export interface QueueDepth {
  /** Notes that job `jobId` carries `texts` texts. */
  record(jobId: string, texts: number): Promise<void>;
  /** Waiting texts, at most `limit` (the count stops there), read at most once per `cacheMs`. */
  waitingTexts(): Promise<number>;
}

export interface QueueDepthOptions {
  queue: Queue;
  /** The connection `queue` uses (this script runs on it, next to BullMQ's own). */
  redis: Redis;
  limit: number;
  cacheMs?: number;
}

type DepthRedis = Redis & {
  sumWaitingTexts(keyCount: number, ...keysAndArgs: string[]): Promise<number>;
  recordTextCount(jobKey: string, texts: string): Promise<number>;
};

export function queueDepth({ queue, redis: connection, limit, cacheMs = 250 }: QueueDepthOptions): QueueDepth {
  // Defined commands run as EVALSHA: the script text is sent once, not with every call.
  if (!('sumWaitingTexts' in connection)) {
    connection.defineCommand('sumWaitingTexts', { lua: SUM_WAITING_TEXTS });
    connection.defineCommand('recordTextCount', { lua: RECORD_TEXT_COUNT, numberOfKeys: 1 });
  }
  const redis = connection as DepthRedis;
  let cached: { value: number; at: number } | undefined;
  let inFlight: Promise<number> | undefined;

  async function read(): Promise<number> {
    const keys = [queue.keys.wait!, queue.keys.paused!, queue.keys.prioritized!, queue.keys.delayed!];
    const value = Number(await redis.sumWaitingTexts(keys.length, ...keys, queue.toKey(''), String(limit)));
    cached = { value, at: Date.now() };
    return value;
  }

  return {
    async record(jobId, texts) {
      await redis.recordTextCount(queue.toKey(jobId), String(texts));
    },
    waitingTexts() {
      if (cached && Date.now() - cached.at < cacheMs) return Promise.resolve(cached.value);
      // One read in flight per instance, however many requests ask at once.
      inFlight ??= read().finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}
