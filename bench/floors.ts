// The fixed costs under one /predict at concurrency 1, each measured alone on this machine: an HTTP round
// trip to the API, a Redis round trip and a one-row Postgres commit. /predict does at least one of each
// (plus the queue's Lua scripts and the worker's wake-up), so they bound how small its overhead can get.
import http from 'node:http';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, type Stack } from '../test/support/stack.js';
import { cpuPerItem, cpuSnapshot } from './cpu.js';
import { getStatus } from './load.js';
import { median } from './texts.js';

export interface Floors {
  httpMs: number;
  redisMs: number;
  pgCommitMs: number;
  /** CPU ms per second the idle stack spends (timers, BullMQ's blocking fetches and stall checks, …). */
  idleCpu: Record<string, number>;
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
