// A private redis-server on a free port in its own folder: tests and fault scripts stop, pause or
// reconfigure it without touching the machine's Redis.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startProcess, waitFor, type AppProcess } from './processes.js';
import { freePort } from './stack.js';

export interface PrivateRedis {
  url: string;
  port: number;
  process(): AppProcess;
  /** Shuts the server down (what it kept on disk stays: AOF, if it was started with one). */
  shutdown(): Promise<void>;
  /** Starts it again on the same port, folder and settings. */
  start(): Promise<void>;
  /** Shuts it down and deletes its folder. */
  stop(): Promise<void>;
}

/** Starts `redis-server` with `args` (e.g. ['--appendonly', 'yes']) and waits until it answers PING. */
export async function startPrivateRedis(args: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'private-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let server: AppProcess;
  const start = async () => {
    server = startProcess(`redis-${port}`, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args]);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server listens: that is what we wait for
    try {
      await waitFor(`redis-server on ${port}\n${server.output()}`, async () => (await probe.connect().then(() => probe.ping(), () => undefined)) === 'PONG', { timeoutMs: 10_000 });
    } finally {
      probe.disconnect();
    }
  };
  await start();
  return {
    url,
    port,
    process: () => server,
    shutdown: () => server.stop(5000),
    start,
    async stop() {
      await server.stop(5000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
