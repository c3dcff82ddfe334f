// A private Redis Sentinel deployment in a temp folder, on free ports: a primary, a replica (`replicaof`)
// and N sentinels monitoring them, all with an AOF. Tests and fault scripts kill or fail it over without
// touching the machine's Redis. Sentinels run Debian's `redis-sentinel` when installed, else
// `redis-server <conf> --sentinel` (the same program).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startProcess, waitFor, type AppProcess } from './processes.js';
import { freePort } from './stack.js';

export interface SentinelSetupOptions {
  /** The master name of `sentinel monitor`. */
  name?: string;
  sentinels?: number;
  quorum?: number;
  /** requirepass/masterauth of both servers, `sentinel auth-pass` of the sentinels. */
  password?: string;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

export interface RedisNode {
  port: number;
  process: AppProcess;
}

export interface SentinelSetup {
  name: string;
  primary: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  /** As REDIS_SENTINELS takes them. */
  addresses: Array<{ host: string; port: number }>;
  /** The port of the primary the first sentinel names now. */
  masterPort(): Promise<number>;
  /** A direct connection to the server on `port` (the setup's password), for checks. */
  connect(port: number, db?: number): Redis;
  /** Stops every process and deletes the folder. */
  stop(): Promise<void>;
}

/** `redis-sentinel` if installed (Debian's package), else `redis-server … --sentinel`. */
function sentinelCommand(conf: string): [string, string[]] {
  try {
    execFileSync('sh', ['-c', 'command -v redis-sentinel'], { stdio: 'ignore' });
    return ['redis-sentinel', [conf]];
  } catch {
    return ['redis-server', [conf, '--sentinel']];
  }
}

export async function startSentinelSetup(options: SentinelSetupOptions = {}): Promise<SentinelSetup> {
  const { name = 'primary', sentinels: count = 3, quorum = 2, password, downAfterMs = 2000, failoverTimeoutMs = 10_000 } = options;
  const dir = await mkdtemp(path.join(tmpdir(), 'private-sentinel-'));
  const processes: AppProcess[] = [];
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  const connect = (port: number, db = 0) => {
    const redis = new Redis({ host: '127.0.0.1', port, password, db, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on('error', () => undefined);
    return redis;
  };
  const sentinelClient = (port: number) => {
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on('error', () => undefined);
    return redis;
  };
  const ask = async <T>(port: number, sentinel: boolean, fn: (r: Redis) => Promise<T>): Promise<T | undefined> => {
    const r = sentinel ? sentinelClient(port) : connect(port);
    try {
      await r.connect();
      return await fn(r);
    } catch {
      return undefined;
    } finally {
      r.disconnect();
    }
  };

  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop(5000)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const startServer = async (label: string, extra: string[]): Promise<RedisNode> => {
      const port = await freePort();
      const data = path.join(dir, `${label}-${port}`);
      await mkdir(data);
      const proc = startProcess(`redis-${label}-${port}`, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--save', '', '--appendonly', 'yes', ...auth, ...extra]);
      processes.push(proc);
      await waitFor(`redis-server ${label} on ${port}\n${proc.output()}`, async () => (await ask(port, false, (r) => r.ping())) === 'PONG', { timeoutMs: 10_000 });
      return { port, process: proc };
    };
    const primary = await startServer('primary', []);
    const replica = await startServer('replica', ['--replicaof', '127.0.0.1', String(primary.port)]);
    await waitFor('the replica to sync', async () => /master_link_status:up/.test((await ask(replica.port, false, (r) => r.info('replication'))) ?? ''), { timeoutMs: 15_000 });

    const sentinels: RedisNode[] = [];
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const conf = path.join(dir, `sentinel-${port}.conf`);
      await writeFile(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'protected-mode no',
          'daemonize no',
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} ${quorum}`,
          `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
          `sentinel failover-timeout ${name} ${failoverTimeoutMs}`,
          `sentinel parallel-syncs ${name} 1`,
          ...(password ? [`sentinel auth-pass ${name} ${password}`] : []),
          '',
        ].join('\n'),
      );
      const [command, args] = sentinelCommand(conf);
      const proc = startProcess(`sentinel-${port}`, command, args);
      processes.push(proc);
      sentinels.push({ port, process: proc });
    }
    // Ready for a failover once every sentinel knows the replica and the other sentinels (hello messages, every 2 s).
    for (const s of sentinels) {
      await waitFor(
        `sentinel ${s.port} to see the replica and ${count - 1} other sentinel(s)\n${s.process.output()}`,
        async () =>
          (await ask(s.port, true, async (r) => {
            const replicas = (await r.call('SENTINEL', 'REPLICAS', name)) as unknown[];
            const others = (await r.call('SENTINEL', 'SENTINELS', name)) as unknown[];
            return replicas.length >= 1 && others.length >= count - 1;
          })) === true,
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    }
    return {
      name,
      primary,
      replica,
      sentinels,
      addresses: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      async masterPort() {
        for (const s of sentinels) {
          const addr = await ask(s.port, true, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name) as Promise<[string, string]>);
          if (addr) return Number(addr[1]);
        }
        throw new Error('no sentinel answered');
      },
      connect,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
