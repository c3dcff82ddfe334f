// The fixed costs under one /predict at concurrency 1, each measured alone on this machine: an HTTP round
// trip to the API, a Redis round trip and a one-row Postgres commit. /predict does at least one of each
// (plus the queue's Lua scripts and the worker's wake-up), so they bound how small its overhead can get.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, type Stack } from '../test/support/stack.js';
import { cpuMs, cpuPerItem, cpuSnapshot } from './cpu.js';
import { getStatus, predictLoad } from './load.js';
import { median, TextSource } from './texts.js';

export interface Floors {
  httpMs: number;
  redisMs: number;
  pgCommitMs: number;
  /** CPU ms per second the idle stack spends (timers, BullMQ's blocking fetches and stall checks, …). */
  idleCpu: Record<string, number>;
}

export interface ExpressFloor {
  rps: number;
  /** CPU ms per request of the Express process and of this (load generator) process. */
  serverCpuMs: number;
  clientCpuMs: number;
}

const processCpuMs = (pid: number) => cpuMs(`/proc/${pid}/stat`);

/**
 * The cheapest Express request on this machine (bench/floor-server.ts: express.json() and res.json(), no
 * work) at concurrency 64 from the same load generator: the CPU any Express API pays per request here.
 */
export async function measureExpressFloor(requests = 10_000): Promise<ExpressFloor> {
  const entry = fileURLToPath(new URL('./floor-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [port] = (await once(child.stdout!, 'data')) as [Buffer];
    const url = `http://127.0.0.1:${String(port).trim()}`;
    const texts = new TextSource();
    await predictLoad(url, 64, texts.take(2000));
    const server = processCpuMs(child.pid!);
    const client = process.cpuUsage();
    const { rps } = await predictLoad(url, 64, texts.take(requests));
    const used = process.cpuUsage(client);
    return { rps, serverCpuMs: (processCpuMs(child.pid!) - server) / requests, clientCpuMs: (used.user + used.system) / 1000 / requests };
  } finally {
    child.kill();
  }
}

async function medianOf(times: number, op: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await op();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

export async function measureFloors(stack: Stack, times = 200): Promise<Floors> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const httpMs = await medianOf(times, () => getStatus(agent, new URL('/health', stack.url)));
  agent.destroy();
  const redis = new Redis(TEST_REDIS_URL);
  const redisMs = await medianOf(times, () => redis.ping());
  await redis.quit();
  // Its own table in the stack's schema (dropped with it), so the prediction rows stay the pipeline's.
  await stack.sql('create table {schema}.bench_floor (id serial primary key, note text)');
  const pgCommitMs = await medianOf(times, () => stack.sql("insert into {schema}.bench_floor (note) values ('x')"));
  const before = await cpuSnapshot(stack);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleCpu = cpuPerItem(before, await cpuSnapshot(stack), 3);
  return { httpMs, redisMs, pgCommitMs, idleCpu };
}
