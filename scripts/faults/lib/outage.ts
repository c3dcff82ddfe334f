// Ways to take a dependency away and bring it back: stop a private server started for the run (the
// default: nothing else on the machine notices), cut a TCP proxy in front of the shared server that only
// this run's processes connect through, or freeze that proxy (a hung server: sockets stay open, nothing
// answers).
import { startPrivatePostgres } from '../../../test/support/private-postgres.js';
import { startPrivateRedis } from '../../../test/support/private-redis.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';

export interface Outage {
  readonly mode: 'private server' | 'proxy' | 'hang';
  /** The server the run's stack lives on (schema, queues, the script's own checks): reached directly. */
  readonly serverUrl: string;
  /** The URL the apps under test must use (the proxy's in proxy modes). */
  readonly appUrl: string;
  begin(): Promise<void>;
  end(): Promise<void>;
  /** Brings the dependency back if a run aborted mid-outage (run it before tearing the stack down). */
  restore(): Promise<void>;
  /** Closes the proxy or deletes the private server (run it after the stack is gone). */
  dispose(): Promise<void>;
}

export interface OutageOptions {
  /** Cut a proxy in front of `sharedUrl` instead of stopping a private server. */
  viaProxy: boolean;
  /** Freeze that proxy instead: the server hangs rather than goes away. */
  hang?: boolean;
}

async function proxyOutage(url: string, hang: boolean): Promise<Outage> {
  const target = new URL(url);
  const defaultPort = target.protocol.startsWith('redis') ? 6379 : 5432;
  const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || defaultPort) });
  const viaProxy = new URL(url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  let down = false;
  return {
    mode: hang ? 'hang' : 'proxy',
    serverUrl: url,
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

/** A server that can be stopped and started again, and deleted at the end. */
function privateOutage(url: string, server: { stop(): Promise<void>; start(): Promise<void>; dispose(): Promise<void> }): Outage {
  let down = false;
  return {
    mode: 'private server',
    serverUrl: url,
    appUrl: url,
    async begin() {
      down = true;
      await server.stop();
    },
    async end() {
      await server.start();
      down = false;
    },
    async restore() {
      if (down) await server.start();
      down = false;
    },
    dispose: () => server.dispose(),
  };
}

/** `sharedUrl`: the machine's Postgres, used only by the proxy modes. */
export async function postgresOutage(sharedUrl: string, { viaProxy, hang = false }: OutageOptions): Promise<Outage> {
  if (viaProxy || hang) return proxyOutage(sharedUrl, hang);
  const pg = await startPrivatePostgres();
  return privateOutage(pg.url, { stop: pg.stop, start: pg.start, dispose: pg.drop });
}

/** `sharedUrl`: the machine's Redis, used only by the proxy modes. The private one keeps an AOF, as production should. */
export async function redisOutage(sharedUrl: string, { viaProxy, hang = false }: OutageOptions): Promise<Outage> {
  if (viaProxy || hang) return proxyOutage(sharedUrl, hang);
  const redis = await startPrivateRedis(['--appendonly', 'yes']);
  return privateOutage(redis.url, { stop: redis.shutdown, start: redis.start, dispose: redis.stop });
}
