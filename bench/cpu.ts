// Where the CPU goes during a benchmark phase: CPU time of each process of the stack (from /proc), split
// for the worker into its event-loop thread and its other threads (inference threads, onnxruntime, GC),
// and for Postgres into the backends serving this stack's connections and everything else Postgres did.
// Redis is one process shared with anything else on the machine, so its figure is an upper bound.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { TEST_DATABASE_URL } from '../test/support/services.js';
import type { Stack } from '../test/support/stack.js';

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process or thread, in ms (fields 14 and 15 of /proc/…/stat); 0 once it has exited. */
export function cpuMs(statPath: string): number {
  try {
    const stat = fs.readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
  } catch {
    return 0;
  }
}

function pidsNamed(name: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Busy time of all cores, ms (everything in /proc/stat's cpu line but idle and iowait). */
function machineBusyMs(): number {
  const [, ...values] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return ((total - n[3]! - n[4]!) / ticksPerSecond) * 1000;
}

/** Local ports of the TCP connections that `pids` hold to port `remotePort`. */
export function localPortsTo(pids: number[], remotePort: number): Set<number> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // closed meanwhile
      }
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      if (parseInt(f[2]!.split(':')[1]!, 16) === remotePort) ports.add(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

export interface CpuSnapshot {
  values: Record<string, number>;
  /** CPU ms per pid of the Postgres backends serving the stack, and of all Postgres processes. */
  backends: Map<number, number>;
  postgres: Map<number, number>;
}

export const CPU_COMPONENTS = [
  'api',
  'worker event loop',
  'worker other threads',
  'postgres: this stack',
  'postgres: rest (shared)',
  'redis (shared)',
  'load generator',
  'rest of the machine',
] as const;

export async function cpuSnapshot(stack: Stack): Promise<CpuSnapshot> {
  const api = stack.api.child.pid!;
  const workers = stack.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null).map((w) => w.child.pid!);
  const pgPort = Number(new URL(TEST_DATABASE_URL).port || 5432);
  const ports = localPortsTo([api, ...workers], pgPort);
  const rows = await stack.sql<{ pid: number; client_port: number | null }>('select pid, client_port from pg_stat_activity');
  const backends = new Map(rows.filter((r) => r.client_port !== null && ports.has(r.client_port)).map((r) => [r.pid, cpuMs(`/proc/${r.pid}/stat`)]));
  const workerTotal = workers.reduce((sum, pid) => sum + cpuMs(`/proc/${pid}/stat`), 0);
  const workerMain = workers.reduce((sum, pid) => sum + cpuMs(`/proc/${pid}/task/${pid}/stat`), 0);
  const postgres = new Map(pidsNamed('postgres').map((pid) => [pid, cpuMs(`/proc/${pid}/stat`)]));
  const usage = process.cpuUsage();
  const values: Record<string, number> = {
    api: cpuMs(`/proc/${api}/stat`),
    'worker event loop': workerMain,
    'worker other threads': workerTotal - workerMain,
    'redis (shared)': pidsNamed('redis-server').reduce((sum, pid) => sum + cpuMs(`/proc/${pid}/stat`), 0),
    'load generator': (usage.user + usage.system) / 1000,
    machine: machineBusyMs(),
  };
  return { values, backends, postgres };
}

/** CPU ms spent per item (text or request) between two snapshots, per component. */
export function cpuPerItem(before: CpuSnapshot, after: CpuSnapshot, items: number): Record<string, number> {
  const delta = (key: string) => (after.values[key] ?? 0) - (before.values[key] ?? 0);
  // Compared per pid: processes that started during the phase count whole; ones that ended during it are
  // lost (rare for the stack's pooled backends; other clients' short connections land in "rest of the machine").
  const perPid = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((sum, [pid, ms]) => sum + ms - (a.get(pid) ?? 0), 0);
  const stackPg = perPid(before.backends, after.backends);
  const out: Record<string, number> = {
    api: delta('api'),
    'worker event loop': delta('worker event loop'),
    'worker other threads': delta('worker other threads'),
    'postgres: this stack': stackPg,
    'postgres: rest (shared)': perPid(before.postgres, after.postgres) - stackPg,
    'redis (shared)': delta('redis (shared)'),
    'load generator': delta('load generator'),
  };
  out['rest of the machine'] = delta('machine') - Object.values(out).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v / items]));
}
