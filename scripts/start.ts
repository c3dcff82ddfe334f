// `npm start`: check Redis and Postgres, apply migrations, then run one API and one worker until Ctrl-C;
// an app that crashes is restarted with backoff (1 s doubling to 30 s), unless it keeps dying at start.
// On a terminal their JSON logs are shown through pino-pretty (LOG_PRETTY=0 keeps them raw JSON).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appArgs } from './app-command.js';
import net from 'node:net';
import { pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { databaseSettings, initOrm, migrateUp } from '@sentiment/db';
import { redactUrl } from '@sentiment/queue';
import { DEFAULT_REDIS_URL, RedisEnv } from '@sentiment/settings';

const redisUrl = process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
// With REDIS_SENTINELS the apps ask the sentinels for the primary, with REDIS_CLUSTER_NODES the cluster
// (REDIS_URL's host is not used): check the first one.
const sentinels = RedisEnv.shape.REDIS_SENTINELS.safeParse(process.env.REDIS_SENTINELS?.trim() || undefined).data;
const clusterNodes = RedisEnv.shape.REDIS_CLUSTER_NODES.safeParse(process.env.REDIS_CLUSTER_NODES?.trim() || undefined).data;
const firstSentinel = sentinels?.[0];
const seed = clusterNodes?.[0] ?? firstSentinel;
const redisCheck = seed ? `redis://${seed.host.includes(':') ? `[${seed.host}]` : seed.host}:${seed.port}` : redisUrl;
const database = databaseSettings(process.env);
const databaseUrl = database.clientUrl;

function reachable(url: string, defaultPort: number): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort), timeout: 3000 });
    const done = (error?: string) => {
      socket.destroy();
      resolve(error);
    };
    socket.once('connect', () => done());
    socket.once('timeout', () => done('timed out'));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

const unreachable: string[] = [];
for (const [name, url, port, service] of [
  [clusterNodes ? 'Redis Cluster' : firstSentinel ? 'Redis Sentinel' : 'Redis', redisCheck, 6379, 'redis'],
  ['Postgres', databaseUrl, 5432, 'postgres'],
] as const) {
  const error = await reachable(url, port);
  if (error) unreachable.push(`  ${name} at ${redactUrl(url)}: ${error}\n    start it with \`docker compose up -d ${service}\` or point ${name === 'Redis' ? 'REDIS_URL' : name === 'Redis Sentinel' ? 'REDIS_SENTINELS' : name === 'Redis Cluster' ? 'REDIS_CLUSTER_NODES' : 'DATABASE_URL'} at a running server`);
}
if (unreachable.length > 0) {
  console.error(`Cannot start: some services are unreachable.\n${unreachable.join('\n')}`);
  process.exit(1);
}

const orm = await initOrm(database);
await migrateUp(orm);
await orm.close();

const pretty = process.stdout.isTTY && process.env.LOG_PRETTY !== '0';
// NODE_ENV=production runs the compiled apps (`npm run build` first), as the container does.
const compiled = process.env.NODE_ENV === 'production';
if (compiled && !existsSync('apps/api/dist/src/main.js')) {
  console.error('NODE_ENV=production runs the compiled apps: run `npm run build` first');
  process.exit(1);
}
/** This runner's own lines, JSON like the apps' (pretty on a terminal). */
const log = pino({ name: 'start' }, pretty ? PinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' }) : process.stdout);

const children = new Map<string, ChildProcess>();
let stopping = false;
/** Backoff before restarting a crashed app: doubles from 1 s up to 30 s, back to 1 s after a minute of uptime. */
const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
const STABLE_MS = 60_000;
/** An app that dies this many times in a row within seconds of starting has a problem a restart will not fix. */
const MAX_QUICK_CRASHES = 5;

function run(name: string, entry: string, env: NodeJS.ProcessEnv = {}, backoffMs = MIN_BACKOFF_MS, quickCrashes = 0): void {
  // Own process group: a terminal's Ctrl-C reaches only this script, which forwards one SIGTERM
  // (a second signal would make the apps skip their graceful shutdown).
  const child = spawn(process.execPath, appArgs(entry, { compiled }), {
    stdio: ['inherit', pretty ? 'pipe' : 'inherit', 'inherit'],
    env: { ...process.env, ...env },
    detached: true,
  });
  // The apps always log JSON (what log collectors want); only this terminal view is prettified.
  if (pretty) child.stdout!.pipe(PinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' }));
  children.set(name, child);
  log.info({ app: name, pid: child.pid }, `${name} started`);
  const startedAt = Date.now();
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const quick = Date.now() - startedAt < STABLE_MS / 6;
    const crashes = quick ? quickCrashes + 1 : 0;
    if (crashes >= MAX_QUICK_CRASHES) {
      log.error({ app: name, code, signal, crashes }, `${name} keeps exiting right after start; stopping everything (see its last lines above)`);
      return stop(1);
    }
    // A crash after a good run starts over from the shortest wait.
    const wait = Date.now() - startedAt > STABLE_MS ? MIN_BACKOFF_MS : backoffMs;
    log.error({ app: name, code, signal, restartInMs: wait }, `${name} exited unexpectedly; restarting it`);
    setTimeout(() => !stopping && run(name, entry, env, Math.min(wait * 2, MAX_BACKOFF_MS), crashes), wait).unref();
  });
}
function stop(code: number): void {
  stopping = true;
  const running = [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill('SIGTERM');
  Promise.all(running.map((c) => new Promise((r) => c.once('exit', r)))).then(() => process.exit(code));
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

run('api', 'apps/api/src/main.ts');
// Two malloc arenas instead of up to 8 per core: as in the Dockerfile (docs/benchmarks.md, "Memory").
run('worker', 'apps/worker/src/main.ts', { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' });
