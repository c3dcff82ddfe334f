// Ways to take a dependency away and bring it back: stop the real server (the lead's mode: it hits
// every app on the machine), cut a TCP proxy that only this run's processes connect through, or
// freeze that proxy (a hung server: sockets stay open, nothing answers).
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';

const exec = promisify(execFile);

export interface Outage {
  readonly mode: 'real' | 'proxy' | 'hang';
  /** The URL the apps under test must use (the proxy's in proxy mode). */
  readonly appUrl: string;
  begin(): Promise<void>;
  end(): Promise<void>;
  /** Brings the dependency back if a run aborted mid-outage (run it before tearing the stack down). */
  restore(): Promise<void>;
  /** Closes the proxy, if any (run it after the stack is gone). */
  dispose(): Promise<void>;
}

async function sh(command: string): Promise<void> {
  const { stdout, stderr } = await exec('sh', ['-c', command], { timeout: 60_000 });
  if (stdout.trim()) console.log(stdout.trim());
  if (stderr.trim()) console.error(stderr.trim());
}

async function proxyOutage(url: string, hang = false): Promise<Outage> {
  const target = new URL(url);
  const defaultPort = target.protocol.startsWith('redis') ? 6379 : 5432;
  const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || defaultPort) });
  const viaProxy = new URL(url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  let down = false;
  return {
    mode: hang ? 'hang' : 'proxy',
    appUrl: viaProxy.toString(),
    async begin() {
      down = true;
      if (hang) proxy.freeze();
      else await proxy.cut();
    },
    async end() {
      await proxy.restore();
      down = false;
    },
    async restore() {
      if (down) await proxy.restore();
      down = false;
    },
    dispose: () => proxy.close(),
  };
}

/** The Debian cluster command; the one cluster on this machine is `<version>/main`. */
function pgCtl(action: 'stop -m fast' | 'start'): string {
  const versions = readdirSync('/etc/postgresql');
  if (versions.length !== 1) throw new Error(`expected one Postgres version in /etc/postgresql, found ${versions.join(', ')}`);
  return `pg_ctlcluster --skip-systemctl-redirect ${versions[0]} main ${action}`;
}

export interface OutageOptions {
  /** Cut a proxy only this run's processes use, instead of stopping the real server. */
  viaProxy: boolean;
  /** Freeze that proxy instead: the server hangs rather than goes away. */
  hang?: boolean;
}

export async function postgresOutage(databaseUrl: string, { viaProxy, hang = false }: OutageOptions): Promise<Outage> {
  if (viaProxy || hang) return proxyOutage(databaseUrl, hang);
  let down = false;
  return {
    mode: 'real',
    appUrl: databaseUrl,
    async begin() {
      down = true;
      await sh(pgCtl('stop -m fast'));
    },
    async end() {
      await sh(pgCtl('start'));
      down = false;
    },
    async restore() {
      if (down) await sh(pgCtl('start'));
      down = false;
    },
    dispose: async () => {},
  };
}

const REDIS_START =
  'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log';

export async function redisOutage(redisUrl: string, { viaProxy, hang = false }: OutageOptions): Promise<Outage> {
  if (viaProxy || hang) return proxyOutage(redisUrl, hang);
  const host = new URL(redisUrl).hostname;
  let down = false;
  const start = async () => {
    await sh(REDIS_START);
    // daemonize returns before the server accepts connections
    for (let i = 0; i < 50; i++) {
      try {
        await exec('redis-cli', ['-h', host, 'ping'], { timeout: 2000 });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('redis-server did not answer PING after restart');
  };
  return {
    mode: 'real',
    appUrl: redisUrl,
    async begin() {
      down = true;
      // `shutdown nosave` closes the connection it came on: redis-cli then exits non-zero.
      await sh(`redis-cli -h ${host} shutdown nosave || true`);
    },
    async end() {
      await start();
      down = false;
    },
    async restore() {
      if (down) await start();
      down = false;
    },
    dispose: async () => {},
  };
}
