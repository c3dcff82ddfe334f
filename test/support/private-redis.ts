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
  process: AppProcess;
  stop(): Promise<void>;
}

/** Starts `redis-server` with `args` (e.g. ['--appendonly', 'yes']) and waits until it answers PING. */
export async function startPrivateRedis(args: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'private-redis-'));
  const server = startProcess(`redis-${port}`, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args]);
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined); // refused until the server listens: that is what we wait for
  try {
    await waitFor(`redis-server on ${port}\n${server.output()}`, async () => (await probe.connect().then(() => probe.ping(), () => undefined)) === 'PONG', { timeoutMs: 10_000 });
  } finally {
    probe.disconnect();
  }
  return {
    url,
    port,
    process: server,
    async stop() {
      await server.stop(5000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
