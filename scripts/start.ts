// `npm start`: check Redis and Postgres, apply migrations, then run one API and one worker until Ctrl-C.
// On a terminal their JSON logs are shown through pino-pretty (LOG_PRETTY=0 keeps them raw JSON).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { PinoPretty } from 'pino-pretty';
import { databaseSettings, initOrm, migrateUp } from '@sentiment/db';
import { redactUrl } from '@sentiment/queue';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
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
  ['Redis', redisUrl, 6379, 'redis'],
  ['Postgres', databaseUrl, 5432, 'postgres'],
] as const) {
  const error = await reachable(url, port);
  if (error) unreachable.push(`  ${name} at ${redactUrl(url)}: ${error}\n    start it with \`docker compose up -d ${service}\` or point ${name === 'Redis' ? 'REDIS_URL' : 'DATABASE_URL'} at a running server`);
}
if (unreachable.length > 0) {
  console.error(`Cannot start: some services are unreachable.\n${unreachable.join('\n')}`);
  process.exit(1);
}

const orm = await initOrm(database);
await migrateUp(orm);
await orm.close();

const pretty = process.stdout.isTTY && process.env.LOG_PRETTY !== '0';

const children: ChildProcess[] = [];
let stopping = false;
function run(name: string, entry: string, env: NodeJS.ProcessEnv = {}): void {
  // Own process group: a terminal's Ctrl-C reaches only this script, which forwards one SIGTERM
  // (a second signal would make the apps skip their graceful shutdown).
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    stdio: ['inherit', pretty ? 'pipe' : 'inherit', 'inherit'],
    env: { ...process.env, ...env },
    detached: true,
  });
  // The apps always log JSON (what log collectors want); only this terminal view is prettified.
  if (pretty) child.stdout!.pipe(PinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' }));
  children.push(child);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${name} exited (${signal ?? code}); stopping the others`);
    stop(1);
  });
}
function stop(code: number): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

run('api', 'apps/api/src/main.ts');
// Two malloc arenas instead of up to 8 per core: as in the Dockerfile (docs/benchmarks.md, "Memory").
run('worker', 'apps/worker/src/main.ts', { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' });
