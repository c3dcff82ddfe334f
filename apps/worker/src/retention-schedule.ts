import { JobName, PURGE_SCHEDULER_ID, purgeJobOptions, type PurgeJobData } from '@sentiment/queue';
import type { Queue } from 'bullmq';

export interface RetentionSchedule {
  /** 0 turns retention off. */
  retentionDays: number;
  everyMs: number;
}

/**
 * Makes the fleet-wide retention scheduler match this worker's settings. Every worker calls this at
 * start; the upsert is idempotent (one scheduler id), so N workers still mean one purge per interval,
 * and the last worker started decides the settings. With retention off, the scheduler is removed.
 */
export async function scheduleRetention(queue: Queue, { retentionDays, everyMs }: RetentionSchedule): Promise<'scheduled' | 'removed'> {
  if (retentionDays > 0) {
    const data: PurgeJobData = { retentionDays };
    await queue.upsertJobScheduler(PURGE_SCHEDULER_ID, { every: everyMs }, { name: JobName.purge, data, opts: purgeJobOptions() });
    return 'scheduled';
  }
  await queue.removeJobScheduler(PURGE_SCHEDULER_ID);
  // The scheduler's next job is already queued; it would still run once with the old settings.
  const pending = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
  await Promise.all(pending.filter((j) => j.name === JobName.purge).map((j) => j.remove()));
  return 'removed';
}

/**
 * Queues the next purge run at once, after run `afterJobId` stopped at its row cap. The id is derived from
 * that run's, so a run retried or re-delivered still queues one follow-up, not two.
 */
export async function continuePurge(queue: Queue, data: PurgeJobData, afterJobId: string): Promise<void> {
  await queue.add(JobName.purge, data, { ...purgeJobOptions(), jobId: `purge-continue-${afterJobId}` });
}
