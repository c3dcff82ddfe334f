// What the fault scripts watch in the app processes: memory, liveness, and alarming output lines.
import { readFileSync } from 'node:fs';
import { startedApps, type AppProcess } from '../../../test/support/processes.js';
import { Redis } from 'ioredis';
import { startStack, TEST_REDIS_URL, type StackOptions } from '../../../test/support/stack.js';
import type { RunContext } from './run.js';

/** Resident memory of a process in MiB (worker_threads live in the same process, so they count). */
export function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN; // the process is gone
  }
}

export const alive = (app: AppProcess) => app.child.exitCode === null && app.child.signalCode === null;

// Node's own reports of crashes and runtime warnings (MaxListenersExceededWarning etc. print `Warning:`).
const ALARMING = /unhandledRejection|Unhandled|uncaughtException|Warning:/;

/**
 * Keeps every alarming line a process prints, from its whole life: AppProcess.output() only keeps
 * the last 200 kB, which a long soak overruns.
 */
export function watchOutput(app: AppProcess) {
  // What it printed before we attached (startStack waits for readiness first) is still in its buffer.
  const lines = app
    .output()
    .split('\n')
    .filter((line) => ALARMING.test(line))
    .map((line) => `${app.name}: ${line.slice(0, 500)}`);
  let partial = '';
  const scan = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (ALARMING.test(line)) lines.push(`${app.name}: ${line.slice(0, 500)}`);
  };
  app.child.stdout!.on('data', scan);
  app.child.stderr!.on('data', scan);
  return lines;
}

/** startStack, with the stack's teardown and log tails hooked into the run's cleanup and failure report. */
export async function startWatchedStack(ctx: RunContext, label: string, options: StackOptions) {
  // startStack does not stop what it started when it throws (e.g. never ready): reap those here.
  ctx.onCleanup(() => Promise.all([...startedApps].map((a) => a.kill('SIGKILL'))));
  ctx.onFailureDiagnostics(() => [...startedApps].map((a) => `--- ${a.name} (pid ${a.child.pid})\n${a.output().slice(-4000)}`).join('\n'));
  // These scripts are the load: the API's per-client rate limit (600/min by default) would turn
  // them into a rate-limiter test. 0 switches it off; older APIs ignore the variable.
  const stack = await startStack(label, { ...options, apiEnv: { RATE_LIMIT_PER_MINUTE: '0', ...options.apiEnv } });
  // stack.stop() obliterates the two prediction queues only; anything else under the prefix
  // (other queues, rate-limit keys) goes too. Registered first, so it runs after stop().
  ctx.onCleanup(() => purgePrefix(stack.prefix, stack.redisUrl));
  ctx.onCleanup(() => stack.stop());
  const watch = (app: AppProcess) => {
    const lines = watchOutput(app);
    return { app, lines };
  };
  const watched = [watch(stack.api), ...stack.workers.map(watch)];
  return {
    stack,
    /** Call for processes started later (replacement workers, a second API). */
    watch: (app: AppProcess) => void watched.push(watch(app)),
    alarms: () => watched.flatMap((w) => w.lines),
  };
}

/** Deletes every Redis key of a run's prefix. */
export async function purgePrefix(prefix: string, redisUrl = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}
