import { JobName } from '@sentiment/queue';
import type { Job } from 'bullmq';

export type JobNameValue = (typeof JobName)[keyof typeof JobName];

/** One Worker per route: `processor` handles the jobs named in `jobNames` on `queue`. */
export interface Route {
  queue: string;
  jobNames: JobNameValue[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  processor: (job: Job<any, any, string>) => Promise<unknown>;
}

/**
 * Startup check: every JobName has a handler and every queue exactly one route, so a job can never
 * sit unhandled (or be claimed twice) because of a wiring mistake.
 */
export function checkRoutes(routes: readonly Route[]): void {
  const problems: string[] = [];
  const known = new Set<string>(Object.values(JobName));
  for (const name of known) {
    if (!routes.some((r) => r.jobNames.includes(name as JobNameValue))) problems.push(`job "${name}" has no handler`);
  }
  for (const r of routes) {
    for (const name of r.jobNames) if (!known.has(name)) problems.push(`handler for unknown job "${name}" on queue "${r.queue}"`);
  }
  const queues = routes.map((r) => r.queue);
  for (const q of new Set(queues)) {
    const n = queues.filter((x) => x === q).length;
    if (n > 1) problems.push(`queue "${q}" has ${n} routes (one Worker per queue)`);
  }
  if (problems.length > 0) throw new Error(`job routing is broken:\n  - ${problems.join('\n  - ')}`);
}
