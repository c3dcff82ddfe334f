// Runs the apps as real child processes (as `npm start` and compose do), keeping their output for failures.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appArgs as appCommand } from '../../scripts/app-command.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (for assertion messages). */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  exited: Promise<number | null>;
}

/** Every process startApp started in this Node process, so a script can reap them if a setup step throws. */
export const startedApps = new Set<AppProcess>();

/** The command line of an app (scripts/app-command.ts); APPS_COMPILED=1 runs every startApp compiled. */
export function appArgs(entry: string, { compiled = process.env.APPS_COMPILED === '1' }: { compiled?: boolean } = {}): string[] {
  return appCommand(entry, { compiled });
}

export function startApp(name: string, entry: string, env: Record<string, string>, options: { compiled?: boolean } = {}): AppProcess {
  return startProcess(name, process.execPath, appArgs(path.join(repoRoot, entry), options), { NODE_ENV: 'test', LOG_LEVEL: 'info', ...env });
}

/** Any program as a child process (a private redis-server, say), watched like the apps. */
export function startProcess(name: string, command: string, args: string[], env: Record<string, string> = {}): AppProcess {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const app: AppProcess = {
    name,
    child,
    exited,
    output: () => log,
    kill,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  startedApps.add(app);
  return app;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
