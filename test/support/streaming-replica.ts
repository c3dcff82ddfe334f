// A private primary (initdb on a free port) and a real streaming replica of it (pg_basebackup -R on
// another port), in a temporary folder, for the read-replica fault script and test. Nothing of the
// machine's own clusters is touched. As root, the Postgres binaries run as the `postgres` user.
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './stack.js';

const exec = promisify(execFile);

export interface PrivateServer {
  url: string;
  port: number;
  dataDir: string;
  /** pg_ctl start -w. */
  start(): Promise<void>;
  /** pg_ctl stop; `immediate` is a crash (no shutdown checkpoint), as a killed machine. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
}

export interface StreamingReplica {
  primary: PrivateServer;
  replica: PrivateServer;
  /** Stops both servers and deletes their folder. */
  destroy(): Promise<void>;
}

/** The newest Postgres' binaries (Debian layout), or PG_BINDIR. */
function binDir(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(a) - Number(b)) : [];
  if (versions.length === 0) throw new Error('no Postgres binaries in /usr/lib/postgresql: set PG_BINDIR');
  return path.join(root, versions.at(-1)!, 'bin');
}

export async function startStreamingReplica(): Promise<StreamingReplica> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-replica-'));
  let owner: { uid: number; gid: number } | undefined;
  if (asRoot) {
    // initdb refuses to run as root: the folder and the servers belong to `postgres`.
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()));
    owner = { uid: uid!, gid: gid! };
    chownSync(dir, owner.uid, owner.gid);
  }
  const run = async (tool: string, args: string[]) => {
    const [cmd, all] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
    try {
      return await exec(cmd, all as string[], { timeout: 120_000, cwd: dir });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr || e.message}`, { cause: err });
    }
  };
  const write = (file: string, text: string, append = true) => {
    if (append) appendFileSync(file, text);
    else writeFileSync(file, text);
    if (owner) chownSync(file, owner.uid, owner.gid);
  };
  const server = (name: string, port: number): PrivateServer => {
    const dataDir = path.join(dir, name);
    const log = path.join(dir, `${name}.log`);
    return {
      url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      port,
      dataDir,
      start: async () => void (await run('pg_ctl', ['start', '-w', '-t', '60', '-D', dataDir, '-l', log])),
      stop: async (mode = 'fast') => void (await run('pg_ctl', ['stop', '-w', '-t', '60', '-D', dataDir, '-m', mode])),
    };
  };

  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primary = server('primary', primaryPort);
  const replica = server('replica', replicaPort);
  const started: PrivateServer[] = [];
  const destroy = async () => {
    for (const s of started.reverse()) await s.stop('immediate').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run('initdb', ['-D', primary.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    write(
      path.join(primary.dataDir, 'postgresql.conf'),
      [
        '',
        `port = ${primaryPort}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'wal_level = replica',
        'max_wal_senders = 4',
        'hot_standby = on',
        // A throwaway cluster: durability is not the point, speed on a shared machine is.
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'shared_buffers = 32MB',
        'max_connections = 50',
        '',
      ].join('\n'),
    );
    // Explicit, whatever initdb's defaults: the replica connects over TCP for replication.
    write(path.join(primary.dataDir, 'pg_hba.conf'), 'host replication postgres 127.0.0.1/32 trust\n');
    await primary.start();
    started.push(primary);
    // -R writes standby.signal and primary_conninfo: a streaming standby, started as such.
    await run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replica.dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
    write(path.join(replica.dataDir, 'postgresql.conf'), `\nport = ${replicaPort}\n`);
    await replica.start();
    started.push(replica);
  } catch (err) {
    await destroy();
    throw err;
  }
  return { primary, replica, destroy };
}
