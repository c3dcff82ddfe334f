import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Gives the calling thread the nice value `niceness` (Linux: nice is per thread; onnxruntime's own
 * threads, created later by this one, inherit it). For throughput work (bulk inference, bulk row writes):
 * at a lower priority it still takes every idle cycle, but event loops (the API's, the worker's, Redis,
 * Postgres) run first when they have something to do, so a request is not kept waiting behind a bulk job.
 * Raising one's own nice value needs no privilege. Returns false where the thread id cannot be found
 * (not Linux).
 */
export function lowerThreadPriority(niceness: number): boolean {
  if (niceness === 0) return true;
  try {
    // "<pid>/task/<tid>": the id the kernel schedules this thread by.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid)) return false;
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
