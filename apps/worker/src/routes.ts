import { JobName } from '@sentiment/queue';
import type { Job } from 'bullmq';

export type JobNameValue = (typeof JobName)[keyof typeof JobName];

/** One Worker per route: `processor` handles the jobs named `jobName` on `queue`. */
export interface Route {
  queue: string;
  jobName: JobNameValue;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  processor: (job: Job<any, any, string>) => Promise<unknown>;
}

/**
 * Startup check: every JobName has exactly one handler and every queue exactly one route,
 * so a job can never sit unhandled (or be claimed twice) because of a wiring mistake.
 */
export function checkRoutes(routes: readonly Route[]): void {
  const problems: string[] = [];
  const known = new Set<string>(Object.values(JobName));
  for (const name of known) {
    const n = routes.filter((r) => r.jobName === name).length;
    if (n !== 1) problems.push(`job "${name}" has ${n} handlers (expected exactly 1)`);
  }
  for (const r of routes) {
    if (!known.has(r.jobName)) problems.push(`handler for unknown job "${r.jobName}" on queue "${r.queue}"`);
  }
  const queues = routes.map((r) => r.queue);
  for (const q of new Set(queues)) {
    const n = queues.filter((x) => x === q).length;
    if (n > 1) problems.push(`queue "${q}" has ${n} routes (one Worker per queue, one job name each)`);
  }
  if (problems.length > 0) throw new Error(`job routing is broken:\n  - ${problems.join('\n  - ')}`);
}
