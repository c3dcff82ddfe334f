// A whole pipeline for one test file (or a benchmark): its own Postgres schema and queue prefix,
// the real API and worker processes, and the real shipped model.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { initOrm, migrateUp } from '@sentiment/db';
import { MAINTENANCE_QUEUE, PERSIST_QUEUE, predictionQueueName } from '@sentiment/queue';
import { DEFAULT_MODELS_FILE, readModelsFile, registryFromEnv } from '@sentiment/registry';
import { startApp, waitFor, type AppProcess } from './processes.js';

import { TEST_DATABASE_URL, TEST_REDIS_URL } from './services.js';

export { TEST_DATABASE_URL, TEST_REDIS_URL };

/** The repository's registry (models.json), which stacks serve. */
export const REGISTRY = readModelsFile(DEFAULT_MODELS_FILE);
/** The model requests without a `model` go to, and its queue. */
export const STABLE_MODEL = REGISTRY.routing.aliases.stable!;
export const STABLE_QUEUE = predictionQueueName(STABLE_MODEL);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface StackOptions {
  workers?: number;
  /** The Postgres and Redis the stack lives on (defaults: TEST_DATABASE_URL, TEST_REDIS_URL); the apps use them too unless apiEnv/workerEnv say otherwise. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Run the compiled apps (`npm run build` output), as the container does. */
  compiled?: boolean;
  apiEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

export async function startStack(label: string, options: StackOptions = {}) {
  const id = `${label}_${randomBytes(4).toString('hex')}`;
  const schema = `e2e_${id}`;
  const prefix = `e2e-${id}`;
  const databaseUrl = options.databaseUrl ?? TEST_DATABASE_URL;
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const orm = await initOrm({ clientUrl: databaseUrl, schema });
  await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
  await migrateUp(orm);

  // The API routes by the registry the workers load: a test's MODEL_DIR (or MODELS_FILE…) goes to both.
  const registryEnv = Object.fromEntries(Object.entries(options.workerEnv ?? {}).filter(([k]) => ['MODELS_FILE', 'MODEL_DIR', 'MODEL_ID', 'MODEL_CACHE_DIR'].includes(k)));
  const registry = registryFromEnv(registryEnv, []) ?? REGISTRY;
  // Load and fuzz tests come from one IP: rate limiting is tested on its own (apps/api/test/security.test.ts).
  const shared = { REDIS_URL: redisUrl, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '0', ...registryEnv };
  const apps: AppProcess[] = [];
  const workers: AppProcess[] = [];

  const startApi = async (env: Record<string, string> = {}) => {
    const port = await freePort();
    // A short shutdown bound keeps the API's drain (half of it) from slowing every test file's teardown.
    const api = startApp('api', 'apps/api/src/main.ts', { ...shared, PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '2000', ...options.apiEnv, ...env }, { compiled: options.compiled });
    apps.push(api);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`api on ${url}\n${api.output()}`, async () => (await fetch(`${url}/health`)).ok);
    return { url, process: api };
  };
  const startWorker = (env: Record<string, string> = {}) => {
    const worker = startApp(`worker-${workers.length + 1}`, 'apps/worker/src/main.ts', {
      ...shared,
      INFERENCE_THREADS: '1',
      // The repository registry's stable model only (one model per worker keeps test stacks light); tests
      // of several versions set SERVE_MODELS themselves.
      ...(Object.keys(registryEnv).length === 0 && { SERVE_MODELS: STABLE_MODEL }),
      ...options.workerEnv,
      ...env,
    }, { compiled: options.compiled });
    apps.push(worker);
    workers.push(worker);
    return worker;
  };

  const api = await startApi();
  for (let i = 0; i < (options.workers ?? 1); i++) startWorker();
  const waitReady = (workerCount = 1) =>
    waitFor(
      'the stack to be ready',
      async () => {
        const res = await fetch(`${api.url}/ready`);
        const body = (await res.json()) as { checks?: { workers?: number } };
        return res.ok && (body.checks?.workers ?? 0) >= workerCount;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
  // Without workers /ready is 503 by design; the API answering /health is all there is to wait for.
  if ((options.workers ?? 1) > 0) await waitReady(options.workers ?? 1);

  const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
    orm.em.getConnection().execute(query.replaceAll('{schema}', `"${schema}"`), params);

  return {
    schema,
    prefix,
    databaseUrl,
    redisUrl,
    url: api.url,
    /** The queue requests without a `model` go to (the stable model's). */
    defaultQueue: predictionQueueName(registry.routing.aliases.stable!),
    api: api.process,
    workers,
    startApi,
    startWorker,
    waitReady,
    sql,
    logs: () => apps.map((a) => `--- ${a.name}\n${a.output().slice(-5000)}`).join('\n'),
    async stop() {
      await Promise.all(apps.map((a) => a.stop()));
      for (const name of [...[...registry.models.keys()].map(predictionQueueName), PERSIST_QUEUE, MAINTENANCE_QUEUE]) {
        const queue = new Queue(name, { connection: { url: redisUrl }, prefix });
        await queue.obliterate({ force: true });
        await queue.close();
      }
      // What obliterate leaves: the result cache, API tickets and idempotency keys (the prefix is this stack's alone).
      await deleteKeys(`${prefix}:*`, redisUrl);
      await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await orm.close();
    },
  };
}

/** Deletes the keys matching `pattern` (SCAN, not KEYS: the Redis is shared). */
export async function deleteKeys(pattern: string, redisUrl = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(redisUrl);
  for await (const keys of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

export async function getJson(url: string) {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}
