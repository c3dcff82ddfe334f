// npm run bench:costs [-- --jobs-texts N] [--batch-texts N] [--model-dir DIR] [--shared-redis] [--worker-env KEY=VALUE]…
// What one text costs each component, for capacity planning (docs/scaling.md): API and worker CPU, Redis
// commands, bytes and CPU, Postgres rows, WAL bytes, backend CPU and bytes, HTTP bytes. Two workloads of
// distinct texts: bulk POST /jobs of 1,000 texts each (at most MAX_BULK_JOBS in flight, polled), and
// interactive POST /batch of 10 texts from 32 clients.
//
// Redis is a private redis-server (append-only, as docker-compose runs it) unless --shared-redis: its
// INFO deltas are then this stack's alone. Postgres is the shared one: rows, table sizes and backend CPU
// are this stack's own (its schema, its connections), WAL is cluster-wide and includes anyone else's writes
// (the idle window before the workloads shows how much).
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../test/support/private-redis.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL, type Stack } from '../test/support/stack.js';
import { cpuPerItem, cpuSnapshot, localPortsTo, type CpuSnapshot } from './cpu.js';
import { batchStats, envPairs, fmt, printTable } from './load.js';
import { startBenchStack } from './stack.js';
import { TextSource, textSourceName } from './texts.js';

const { values: args } = parseArgs({
  options: {
    'jobs-texts': { type: 'string', default: '10000' },
    'batch-texts': { type: 'string', default: '5000' },
    'model-dir': { type: 'string' },
    'shared-redis': { type: 'boolean', default: false },
    'worker-env': { type: 'string', multiple: true },
  },
});
const JOB_SIZE = 1_000;
const JOBS_IN_FLIGHT = 4; // the worker's MAX_BULK_JOBS default: more would be put back in the queue (extra Redis work)
const BATCH_SIZE = 10;
const BATCH_CONCURRENCY = 32;
const POLL_MS = 500;
const SETTLE_MS = 2_000; // after the last answer: BullMQ's completion round trips
// A Postgres 15 backend that flushed its table statistics less than 1 s ago holds the next ones up to 10 s
// while idle (PGSTAT_IDLE_INTERVAL): row counters are read this long after a phase, everything else at SETTLE_MS.
const STATS_WAIT_MS = 11_000;
const IDLE_MS = 5_000;

const modelDir = args['model-dir'];
const workerEnv: Record<string, string> = {
  ...(modelDir ? { MODEL_DIR: modelDir } : { SERVE_MODELS: 'sentiment-multi-v2' }),
  INFERENCE_THREADS: '2',
  LOG_LEVEL: 'warn',
  ...envPairs(args['worker-env']),
};
const texts = new TextSource();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- HTTP: node:http with keep-alive, counting bodies and what crossed the sockets (headers included) ---

class HttpClient {
  private readonly agent: http.Agent;
  private readonly sockets = new Set<import('node:net').Socket>();
  requests = 0;
  requestBodyBytes = 0;
  responseBodyBytes = 0;
  failures = 0;

  constructor(
    private readonly base: string,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const target = new URL(path, this.base);
    this.requests++;
    if (payload) this.requestBodyBytes += Buffer.byteLength(payload);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method,
          agent: this.agent,
          headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.once('end', () => {
            const buf = Buffer.concat(chunks);
            this.responseBodyBytes += buf.length;
            resolve({ status: res.statusCode ?? 0, text: buf.toString('utf8') });
          });
          res.once('error', reject);
        },
      );
      req.on('socket', (s) => this.sockets.add(s));
      req.once('error', reject);
      req.end(payload);
    });
  }

  /** Bytes written and read on every socket this client used (HTTP headers included). */
  wire(): { sent: number; received: number } {
    let sent = 0;
    let received = 0;
    for (const s of this.sockets) {
      sent += s.bytesWritten;
      received += s.bytesRead;
    }
    return { sent, received };
  }

  close(): void {
    this.agent.destroy();
  }
}

// --- Workloads ---

async function jobsWorkload(client: HttpClient, all: string[]): Promise<{ polls: number }> {
  const slices: string[][] = [];
  for (let i = 0; i < all.length; i += JOB_SIZE) slices.push(all.slice(i, i + JOB_SIZE));
  let next = 0;
  let polls = 0;
  await Promise.all(
    Array.from({ length: Math.min(JOBS_IN_FLIGHT, slices.length) }, async () => {
      while (next < slices.length) {
        const slice = slices[next++]!;
        const posted = await client.send('POST', '/jobs', { texts: slice });
        if (posted.status !== 202) throw new Error(`POST /jobs answered ${posted.status}: ${posted.text.slice(0, 500)}`);
        const { status_url } = JSON.parse(posted.text) as { status_url: string };
        for (;;) {
          await sleep(POLL_MS);
          polls++;
          const res = await client.send('GET', status_url);
          const status = (JSON.parse(res.text) as { status: string }).status;
          if (status === 'completed') break;
          if (status === 'failed') throw new Error(`a bulk job failed: ${res.text.slice(0, 500)}`);
        }
      }
    }),
  );
  return { polls };
}

async function batchWorkload(client: HttpClient, all: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: BATCH_CONCURRENCY }, async () => {
      while (next < all.length) {
        const slice = all.slice(next, next + BATCH_SIZE);
        next += BATCH_SIZE;
        const res = await client.send('POST', '/batch', { texts: slice });
        if (res.status !== 200) client.failures++;
      }
    }),
  );
}

// --- Redis: INFO deltas ---

interface RedisInfo {
  commands: Map<string, { calls: number; usec: number }>;
  total: number;
  netIn: number;
  netOut: number;
  cpuS: number;
  usedMemory: number;
}

function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

async function redisInfo(redis: Redis): Promise<RedisInfo> {
  const info = parseInfo(await redis.info('all'));
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const [key, value] of info) {
    if (!key.startsWith('cmdstat_')) continue;
    const fields = Object.fromEntries(value.split(',').map((kv) => kv.split('=') as [string, string]));
    commands.set(key.slice('cmdstat_'.length), { calls: Number(fields.calls), usec: Number(fields.usec) });
  }
  return {
    commands,
    total: Number(info.get('total_commands_processed')),
    netIn: Number(info.get('total_net_input_bytes')),
    netOut: Number(info.get('total_net_output_bytes')),
    cpuS: Number(info.get('used_cpu_sys')) + Number(info.get('used_cpu_user')),
    usedMemory: Number(info.get('used_memory')),
  };
}

// --- TCP bytes per process and peer port (ss: the kernel's own counters per connection) ---

/** Bytes sent (acknowledged) and received per local port, for established connections to `remotePort`. */
function tcpCounters(remotePort: number): Map<number, { sent: number; received: number }> {
  const out = new Map<number, { sent: number; received: number }>();
  let text: string;
  try {
    text = execFileSync('ss', ['-tinH', 'state', 'established', `( dport = :${remotePort} )`]).toString();
  } catch {
    return out;
  }
  let port: number | undefined;
  for (const line of text.split('\n')) {
    if (!/^\s/.test(line)) {
      const local = line.trim().split(/\s+/)[2];
      port = local ? Number(local.slice(local.lastIndexOf(':') + 1)) : undefined;
      continue;
    }
    const sent = /bytes_acked:(\d+)/.exec(line);
    const received = /bytes_received:(\d+)/.exec(line);
    if (port !== undefined) out.set(port, { sent: Number(sent?.[1] ?? 0), received: Number(received?.[1] ?? 0) });
  }
  return out;
}

/** Per-connection counters of `pids`' connections to `remotePort` (compared per connection later). */
function tcpSnapshot(pids: number[], remotePort: number): Map<number, { sent: number; received: number }> {
  const mine = localPortsTo(pids, remotePort);
  return new Map([...tcpCounters(remotePort)].filter(([p]) => mine.has(p)));
}

function tcpDelta(a: Map<number, { sent: number; received: number }>, b: Map<number, { sent: number; received: number }>) {
  let sent = 0;
  let received = 0;
  for (const [port, v] of b) {
    const before = a.get(port) ?? { sent: 0, received: 0 };
    sent += v.sent - before.sent;
    received += v.received - before.received;
  }
  return { sent, received };
}

// --- Postgres: this schema's row counters and sizes, and the cluster's WAL ---

interface PgSnapshot {
  lsn: string;
  walRecords: number;
  walFpi: number;
  tables: Map<string, { ins: number; upd: number; del: number }>;
  bytes: number;
}

async function pgSnapshot(stack: Stack): Promise<PgSnapshot> {
  const [wal] = await stack.sql<{ lsn: string; wal_records: string; wal_fpi: string }>(
    'select pg_current_wal_lsn()::text as lsn, wal_records::text, wal_fpi::text from pg_stat_wal',
  );
  const tables = await stack.sql<{ relname: string; ins: string; upd: string; del: string }>(
    'select relname, n_tup_ins::text as ins, n_tup_upd::text as upd, n_tup_del::text as del from pg_stat_user_tables where schemaname = ?',
    [stack.schema],
  );
  const [size] = await stack.sql<{ bytes: string }>(
    `select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ? and c.relkind in ('r', 'p')`,
    [stack.schema],
  );
  return {
    lsn: wal!.lsn,
    walRecords: Number(wal!.wal_records),
    walFpi: Number(wal!.wal_fpi),
    tables: new Map(tables.map((t) => [t.relname, { ins: Number(t.ins), upd: Number(t.upd), del: Number(t.del) }])),
    bytes: Number(size!.bytes),
  };
}

async function walBytes(stack: Stack, from: string, to: string): Promise<number> {
  const [row] = await stack.sql<{ bytes: string }>('select pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)::text as bytes', [to, from]);
  return Number(row!.bytes);
}

// --- One measured phase ---

interface Snapshot {
  at: number;
  cpu: CpuSnapshot;
  redis: RedisInfo;
  pg: PgSnapshot;
  pgTcp: Map<number, { sent: number; received: number }>;
  apiRedisTcp: Map<number, { sent: number; received: number }>;
  workerRedisTcp: Map<number, { sent: number; received: number }>;
}

interface Costs {
  label: string;
  texts: number;
  seconds: number;
  values: Map<string, number>;
  commands: Map<string, { calls: number; usec: number }>;
}

function pids(stack: Stack) {
  return {
    api: [stack.api.child.pid!],
    workers: stack.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null).map((w) => w.child.pid!),
  };
}

async function snapshot(stack: Stack, redis: Redis, redisPort: number, pgPort: number): Promise<Snapshot> {
  const p = pids(stack);
  return {
    at: performance.now(),
    cpu: await cpuSnapshot(stack),
    redis: await redisInfo(redis),
    pg: await pgSnapshot(stack),
    pgTcp: tcpSnapshot([...p.api, ...p.workers], pgPort),
    apiRedisTcp: tcpSnapshot(p.api, redisPort),
    workerRedisTcp: tcpSnapshot(p.workers, redisPort),
  };
}

async function costsBetween(stack: Stack, label: string, texts: number, a: Snapshot, b: Snapshot, client?: HttpClient, extra: Record<string, number> = {}): Promise<Costs> {
  const per = (x: number) => x / texts;
  const cpu = cpuPerItem(a.cpu, b.cpu, texts);
  const values = new Map<string, number>();
  const v = (key: string, value: number) => values.set(key, value);
  v('CPU µs: api', cpu.api! * 1000);
  v('CPU µs: worker event loop', cpu['worker event loop']! * 1000);
  v('CPU µs: worker inference threads', cpu['worker other threads']! * 1000);
  v('CPU µs: postgres backends of this stack', cpu['postgres: this stack']! * 1000);
  v('CPU µs: postgres, rest (shared: WAL writer, checkpointer, others)', cpu['postgres: rest (shared)']! * 1000);
  v('CPU µs: redis (INFO used_cpu_sys + user)', per((b.redis.cpuS - a.redis.cpuS) * 1e6));
  v('CPU µs: load generator (this process)', cpu['load generator']! * 1000);
  v('CPU µs: rest of the machine', cpu['rest of the machine']! * 1000);
  if (client) {
    const wire = client.wire();
    v('HTTP requests', per(client.requests));
    v('HTTP request body bytes', per(client.requestBodyBytes));
    v('HTTP response body bytes', per(client.responseBodyBytes));
    v('HTTP bytes on the wire, client → API (headers too)', per(wire.sent));
    v('HTTP bytes on the wire, API → client (headers too)', per(wire.received));
  }
  for (const [k, x] of Object.entries(extra)) v(k, per(x));
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const [name, after] of b.redis.commands) {
    const before = a.redis.commands.get(name) ?? { calls: 0, usec: 0 };
    if (after.calls > before.calls) commands.set(name, { calls: after.calls - before.calls, usec: after.usec - before.usec });
  }
  const scripts = ['evalsha', 'eval', 'fcall'].reduce((n, c) => n + (commands.get(c)?.calls ?? 0), 0);
  const total = b.redis.total - a.redis.total;
  v('Redis commands (INFO total_commands_processed; in-script calls included)', per(total));
  v('Redis script calls (EVALSHA/EVAL)', per(scripts));
  v('Redis bytes in (INFO total_net_input_bytes)', per(b.redis.netIn - a.redis.netIn));
  v('Redis bytes out (INFO total_net_output_bytes)', per(b.redis.netOut - a.redis.netOut));
  const apiR = tcpDelta(a.apiRedisTcp, b.apiRedisTcp);
  const workerR = tcpDelta(a.workerRedisTcp, b.workerRedisTcp);
  v('Redis TCP bytes, api ↔ redis (sent + received)', per(apiR.sent + apiR.received));
  v('Redis TCP bytes, worker ↔ redis (sent + received)', per(workerR.sent + workerR.received));
  v('Redis used_memory growth (results kept RESULT_TTL_S, cache CACHE_TTL_S)', per(b.redis.usedMemory - a.redis.usedMemory));
  let ins = 0;
  let upd = 0;
  for (const [table, after] of b.pg.tables) {
    const before = a.pg.tables.get(table) ?? { ins: 0, upd: 0, del: 0 };
    ins += after.ins - before.ins;
    upd += after.upd - before.upd;
    if (table === 'predictions') v('Postgres rows inserted into predictions', per(after.ins - before.ins));
  }
  v('Postgres rows inserted, all tables of the schema (rollups too)', per(ins));
  v('Postgres rows updated, all tables (rollup upserts)', per(upd));
  v('Postgres table + index growth, this schema (bytes)', per(b.pg.bytes - a.pg.bytes));
  v('Postgres WAL bytes (pg_current_wal_lsn; cluster-wide)', per(await walBytes(stack, a.pg.lsn, b.pg.lsn)));
  v('Postgres WAL records (pg_stat_wal; cluster-wide, window +11 s)', per(b.pg.walRecords - a.pg.walRecords));
  v('Postgres WAL full-page images (cluster-wide, window +11 s)', per(b.pg.walFpi - a.pg.walFpi));
  const pgTcp = tcpDelta(a.pgTcp, b.pgTcp);
  v('Postgres TCP bytes, apps → postgres', per(pgTcp.sent));
  v('Postgres TCP bytes, postgres → apps', per(pgTcp.received));
  return { label, texts, seconds: (b.at - a.at) / 1000, values, commands };
}

// --- Run ---

const privateRedis: PrivateRedis | undefined = args['shared-redis'] ? undefined : await startPrivateRedis(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
const redisUrl = privateRedis?.url ?? TEST_REDIS_URL;
const redisPort = Number(new URL(redisUrl).port || 6379);
const pgPort = Number(new URL(TEST_DATABASE_URL).port || 5432);
const redis = new Redis(redisUrl);

console.log(`machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model.trim()}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`model: ${modelDir ?? 'sentiment-multi-v2 (shipped)'}; worker: 1 process, env ${Object.entries(workerEnv).map(([k, x]) => `${k}=${x}`).join(' ')}`);
console.log(
  `redis: ${privateRedis ? `private redis-server on :${redisPort} (appendonly yes): its INFO deltas are this stack's alone` : `shared ${redisUrl}: INFO deltas include everyone else's commands`}; ` +
    `postgres: shared (rows, sizes, backend CPU are this stack's; WAL is cluster-wide)`,
);
console.log(`texts: ${textSourceName()}; none repeats, so the result cache never answers\n`);

let stack: Stack | undefined;
try {
  stack = await startBenchStack('costs', { redisUrl, workerEnv, apiEnv: { LOG_LEVEL: 'warn', SYNC_TIMEOUT_MS: '30000' } });
  const s = stack;
  // Warm-up: both paths once, so the measured phases see compiled code, prepared statements and warm caches.
  const warm = new HttpClient(s.url, BATCH_CONCURRENCY);
  await batchWorkload(warm, texts.take(modelDir ? 100 : 1_000));
  await jobsWorkload(warm, texts.take(modelDir ? 100 : 1_000));
  warm.close();
  await sleep(STATS_WAIT_MS);

  // The idle stack: its own background work (BullMQ's blocking waits and stalled-job checks, workers'
  // heartbeats) and, for WAL, everyone else's writes to the shared Postgres.
  const idle0 = await snapshot(s, redis, redisPort, pgPort);
  await sleep(IDLE_MS);
  const idle1 = await snapshot(s, redis, redisPort, pgPort);
  const idleS = (idle1.at - idle0.at) / 1000;
  const idleWal = await walBytes(s, idle0.pg.lsn, idle1.pg.lsn);
  const idleCpu = cpuPerItem(idle0.cpu, idle1.cpu, idleS);
  console.log(
    `idle stack, per second over ${fmt(idleS, 1)} s: redis ${fmt((idle1.redis.total - idle0.redis.total) / idleS, 1)} commands, ` +
      `${fmt((idle1.redis.netIn - idle0.redis.netIn + idle1.redis.netOut - idle0.redis.netOut) / idleS, 0)} bytes, ` +
      `${fmt(((idle1.redis.cpuS - idle0.redis.cpuS) / idleS) * 1000, 1)} ms CPU; api ${fmt(idleCpu.api!, 1)} ms CPU, worker ${fmt(idleCpu['worker event loop']! + idleCpu['worker other threads']!, 1)} ms CPU; ` +
      `Postgres WAL (cluster-wide: other people's writes) ${fmt(idleWal / idleS / 1024, 1)} KiB/s\n`,
  );

  const results: Costs[] = [];
  const runs: Array<{ label: string; n: number; run: (c: HttpClient, t: string[]) => Promise<Record<string, number>> }> = [
    {
      label: `/jobs ×${JOB_SIZE}`,
      n: Number(args['jobs-texts']),
      run: async (c, t) => ({ 'HTTP status polls (GET /jobs/:id every 0.5 s)': (await jobsWorkload(c, t)).polls }),
    },
    {
      label: `/batch ×${BATCH_SIZE} c${BATCH_CONCURRENCY}`,
      n: Number(args['batch-texts']),
      run: async (c, t) => {
        await batchWorkload(c, t);
        return {};
      },
    },
  ];
  for (const { label, n, run } of runs) {
    const phaseTexts = texts.take(n);
    const client = new HttpClient(s.url, BATCH_CONCURRENCY);
    const since = new Date();
    const before = await snapshot(s, redis, redisPort, pgPort);
    const t0 = performance.now();
    const extra = await run(client, phaseTexts);
    const seconds = (performance.now() - t0) / 1000;
    await sleep(SETTLE_MS);
    const after = await snapshot(s, redis, redisPort, pgPort);
    await sleep(STATS_WAIT_MS);
    const late = await pgSnapshot(s);
    Object.assign(after.pg, { tables: late.tables, walRecords: late.walRecords, walFpi: late.walFpi });
    const [stored] = await s.sql<{ n: number }>('select count(*)::int as n from {schema}.predictions where "timestamp" >= ?', [since]);
    const costs = await costsBetween(s, label, n, before, after, client, extra);
    costs.seconds = seconds;
    client.close();
    const stats = await batchStats(s, since);
    costs.values.set('rows stored in predictions (count(*); must be 1)', stored!.n / n);
    costs.values.set('mean micro-batch (texts)', stats.meanSize);
    costs.values.set('cache hits (must be 0)', stats.cacheHits);
    costs.values.set('non-200 answers', client.failures);
    results.push(costs);
    console.log(`${label}: ${n} texts in ${fmt(seconds, 1)} s = ${fmt(n / seconds, 0)} texts/s (snapshots ${fmt((after.at - before.at) / 1000, 1)} s apart, ${SETTLE_MS / 1000} s of it settling; row counters read ${STATS_WAIT_MS / 1000} s later)`);
  }

  console.log(`\nper text (load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const keys = [...new Set(results.flatMap((r) => [...r.values.keys()]))];
  const digits = (k: string, x: number) => (Math.abs(x) >= 100 || k.startsWith('cache') || k.startsWith('non-200') ? 0 : Math.abs(x) >= 10 ? 1 : 3);
  printTable(
    ['', ...results.map((r) => r.label)],
    [
      ['texts', ...results.map((r) => String(r.texts))],
      ['texts/s (wall, this 2-core box shared by everything)', ...results.map((r) => fmt(r.texts / r.seconds, 0))],
      ...keys.map((k) => [k, ...results.map((r) => (r.values.has(k) ? fmt(r.values.get(k)!, digits(k, r.values.get(k)!)) : '–'))]),
    ],
  );

  console.log('\nRedis calls per text by command (INFO commandstats; commands run inside scripts count under their own name), µs per call');
  const names = [...new Set(results.flatMap((r) => [...r.commands.keys()]))].sort(
    (x, y) => Math.max(...results.map((r) => r.commands.get(y)?.calls ?? 0)) - Math.max(...results.map((r) => r.commands.get(x)?.calls ?? 0)),
  );
  printTable(
    ['command', ...results.flatMap((r) => [`${r.label}: calls/text`, 'µs/call'])],
    names
      .filter((n) => results.some((r) => (r.commands.get(n)?.calls ?? 0) / r.texts >= 0.001))
      .map((n) => [
        n,
        ...results.flatMap((r) => {
          const c = r.commands.get(n);
          return c ? [fmt(c.calls / r.texts, 3), fmt(c.usec / c.calls, 1)] : ['–', '–'];
        }),
      ]),
  );

  console.log('\none core per component, texts/s it could carry at these costs (1e6 ÷ CPU µs per text; no headroom, this box\'s cores)');
  const cores: Array<[string, string[]]> = [
    ['api', ['CPU µs: api']],
    ['worker (event loop + inference)', ['CPU µs: worker event loop', 'CPU µs: worker inference threads']],
    ['redis (single-threaded)', ['CPU µs: redis (INFO used_cpu_sys + user)']],
    ['postgres backends (writes + triggers)', ['CPU µs: postgres backends of this stack']],
  ];
  printTable(
    ['component', ...results.map((r) => r.label)],
    cores.map(([name, ks]) => [name, ...results.map((r) => fmt(1e6 / ks.reduce((sum, k) => sum + r.values.get(k)!, 0), 0))]),
  );
} finally {
  await stack?.stop();
  redis.disconnect();
  await privateRedis?.stop();
}
