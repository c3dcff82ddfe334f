// A private Postgres cluster (Debian's pg_createcluster) on a free port: fault scripts stop and start
// it without touching the machine's own cluster that everything else uses.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { freePort } from './stack.js';

const exec = promisify(execFile);

export interface PrivatePostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres (trust auth, local only). */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and deletes the cluster and its data. */
  drop(): Promise<void>;
}

function version(): string {
  const versions = readdirSync('/etc/postgresql');
  if (versions.length === 0) throw new Error('no Postgres in /etc/postgresql (Debian postgresql-common is needed)');
  return versions.sort().at(-1)!;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const v = version();
  const name = `fault_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const run = (cmd: string, args: string[]) => exec(cmd, args, { timeout: 120_000 });
  await run('pg_createcluster', [v, name, '-p', String(port), '--start', '--', '--auth=trust']);
  const ctl = (action: string, ...extra: string[]) => run('pg_ctlcluster', ['--skip-systemctl-redirect', v, name, action, ...extra]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => void (await ctl('stop', '-m', 'fast')),
    start: async () => void (await ctl('start')),
    drop: async () => void (await run('pg_dropcluster', ['--stop', v, name])),
  };
}
