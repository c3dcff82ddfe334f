import type { QueueEvents } from 'bullmq';

export type Finish = { state: 'completed'; value: unknown } | { state: 'failed'; reason: string } | { state: 'pending' };

/**
 * Waits up to `timeoutMs` for a job's `completed:<id>` / `failed:<id>` event, then answers `pending`.
 * Used instead of BullMQ's job.waitUntilFinished, which adds a listener to the Queue per waiting request
 * (MaxListenersExceededWarning under load) and leaves a rejection unhandled — a crash — when Redis drops
 * mid-wait. Every path here removes its listeners and settles once.
 */
export function waitForFinish(
  queueEvents: QueueEvents,
  jobId: string,
  timeoutMs: number,
  /** The job may have finished before the listeners were in place: read its state once. */
  current: () => Promise<Finish>,
): Promise<Finish> {
  // QueueEvents also emits per-job events (`completed:<id>`), which its typed listener map leaves out.
  const events = queueEvents as unknown as NodeJS.EventEmitter;
  return new Promise<Finish>((resolve, reject) => {
    const completed = `completed:${jobId}`;
    const failed = `failed:${jobId}`;
    let settled = false;
    const settle = (outcome: Finish | { error: unknown }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      events.off(completed, onCompleted);
      events.off(failed, onFailed);
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome);
    };
    const onCompleted = ({ returnvalue }: { returnvalue: unknown }) => settle({ state: 'completed', value: returnvalue });
    const onFailed = ({ failedReason }: { failedReason: string }) => settle({ state: 'failed', reason: failedReason });
    events.on(completed, onCompleted);
    events.on(failed, onFailed);
    const timer = setTimeout(() => settle({ state: 'pending' }), timeoutMs);
    current().then(
      (now) => now.state !== 'pending' && settle(now),
      (error: unknown) => settle({ error }),
    );
  });
}
