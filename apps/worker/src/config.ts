import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { DatabaseEnv, databaseOptions, parseTextKeys, WRITER_KINDS, type DbOptions, type TextKey, type WriterKind } from '@sentiment/db/threaded';
import { ModelName, registryFromEnv, RegistryEnv, type Registry } from '@sentiment/registry';
import { ConfigError, heapEnv, readEnv, RedisEnv, redisSentinelProblems, redisSettings, setVariables, type RedisSettings } from '@sentiment/settings';

export { ConfigError };

const int = (min: number) => z.coerce.number().int().min(min);

export const EnvSchema = z.object({
  ...RedisEnv.shape,
  ...DatabaseEnv.shape,
  DB_WRITER: z.enum(WRITER_KINDS).default('unit-of-work').describe(
    "How prediction rows are written, in the worker's writer threads: `unit-of-work` (MikroORM entities, one `flush()` per chunk of a group commit) or `sql` (one hand-built `INSERT … SELECT FROM json_to_recordset(…)` per chunk: less CPU per row; docs/benchmarks.md).",
  ),
  BULK_FLUSH_LINGER_MS: int(0).max(1000).default(50).describe(
    'Longest rows of `/jobs` wait to be written with more of their kind (up to 500 rows per flush): fewer, larger flushes, so less CPU per row for the writer and Postgres; a job ends at most this much later. Rows someone waits on (`/predict`, `/batch`) never wait. `0`: flush as soon as a slot is free.',
  ),
  ...RegistryEnv.shape,
  ...heapEnv(0).shape,
  SERVE_MODELS: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(ModelName).min(1))
    .optional()
    .describe("Registry models this worker serves, comma-separated (a pool per model: `SERVE_MODELS=sentiment-sst2-v1`). Default: every model of the registry."),
  ALLOW_REMOTE_MODELS: z.stringbool().default(false).describe('`true`: Hub models (`MODEL_ID`, `hub` sources) may be downloaded (else the local cache only).'),
  INFERENCE_THREADS: int(1).max(64).default(availableParallelism()).describe("Inference threads per model (one per core the process may use), unless the registry sets the model's `threads`. Default: the number of cores."),
  INTRA_OP_THREADS: int(1).max(64).default(1).describe('onnxruntime threads per inference thread.'),
  INTERACTIVE_THREADS: int(0).max(16).default(1).describe(
    'Inference threads of their own for interactive texts (`/predict`, `/batch`), at normal priority, beside `INFERENCE_THREADS`: a request never waits for a bulk batch to finish. Interactive texts also use the bulk threads when those are free, and their rows have a writer thread of their own. `0`: everything shares `INFERENCE_THREADS` and one writer thread (less memory: docs/benchmarks.md, Memory).',
  ),
  INFERENCE_NICENESS: int(0).max(19).default(10).describe(
    'Nice value of the inference threads and of the bulk rows\' writer thread (Linux): above 0, event loops on the same machine (this worker\'s, the API\'s, Redis, Postgres) run before inference whenever they have work, so interactive requests do not queue behind bulk batches; inference still takes every idle cycle. `0`: same priority as everything else.',
  ),
  NEUTRAL_THRESHOLD: z.coerce.number().min(0).max(1).optional().describe('Binary models answer `neutral` below this top probability. Default: `0.6`.'),
  MAX_BATCH_SIZE: int(1).max(1024).default(32).describe('Texts per micro-batch.'),
  MAX_BATCH_WAIT_MS: int(0).max(10_000).default(5).describe('Longest a partial batch waits to fill while the model is busy.'),
  BATCH_SORT_WINDOW: int(1).max(1024).default(8).describe('With a backlog, up to this many full batches are taken at once, sorted by text length and cut into batches (less padding); `1` = FIFO batches.'),
  WORKER_CONCURRENCY: int(1).max(10_000).default(64).describe('Jobs one worker process holds at once (they feed the batcher).'),
  // Bulk (/jobs) jobs one worker runs at once, so they never fill WORKER_CONCURRENCY (processor.ts).
  MAX_BULK_JOBS: int(1).max(10_000).default(4).describe('`/jobs` jobs one worker runs at once; more are put back in the queue (1 s delay, no attempt counted), so bulk work never fills `WORKER_CONCURRENCY`.'),
  CHUNK_SIZE: int(1).max(10_000).default(256).describe('Texts of a big job per progress step.'),
  RESULT_TTL_S: int(1).default(3600).describe('How long completed jobs and their results stay readable.'),
  SHUTDOWN_TIMEOUT_MS: int(0).default(30_000).describe('Bound on graceful shutdown.'),
  // How soon a crashed worker's jobs are taken over: a job is stalled once its lock (renewed every
  // LOCK_DURATION_MS / 2 while the worker lives) has expired at a stall check.
  LOCK_DURATION_MS: int(1000).default(30_000).describe("With `STALLED_INTERVAL_MS`: how soon a crashed worker's jobs are taken over."),
  STALLED_INTERVAL_MS: int(1000).default(30_000).describe('How often workers look for stalled jobs (whose worker stopped renewing their lock).'),
  MAX_STALLED_COUNT: int(1).max(1000).default(5).describe('How many times a job may lose its worker and be taken over before it fails.'),
  STORE_INPUT_TEXT: z.stringbool().default(true).describe("`false`: no input text outlives its job's answer (rows store `input_text` NULL; the job's texts in Redis are blanked once it ends)."),
  // `id:<base64 32 bytes>,…` (first = active) or a file holding them: input texts are stored AES-256-GCM encrypted.
  INPUT_TEXT_KEYS: z.string().optional().describe('`id:<base64 of 32 bytes>`, comma- or line-separated: input texts are stored encrypted with AES-256-GCM, new rows with the first key. Required when `NODE_ENV=production` and `STORE_INPUT_TEXT=true`. Default: unset (plaintext).'),
  INPUT_TEXT_KEYS_FILE: z.string().optional().describe('A file holding `INPUT_TEXT_KEYS` instead (set one, not both).'),
  NODE_ENV: z.string().default('development').describe('`production`: `INPUT_TEXT_KEYS` is required while `STORE_INPUT_TEXT=true`.'),
  // Seconds a model answer stays in the Redis result cache; 0 turns the cache off.
  CACHE_TTL_S: int(0).max(31_536_000).default(3600).describe('Seconds a model answer stays in the Redis result cache; `0` = off.'),
  // Whole UTC days of predictions older than this are dropped by a scheduled job; 0 keeps them forever.
  RETENTION_DAYS: int(0).max(36_500).default(90).describe("Predictions are kept this many days: a day's partition is dropped once all of it is older (so a row stays at most one day longer), by a job scheduler on the `maintenance` queue that also creates the partitions of the next 3 days; shadow-run comparisons older than this are deleted in chunks of 5,000. `0` keeps everything (writers then create each day's partition as its first row arrives)."),
  RETENTION_INTERVAL_MS: int(1000).default(600_000).describe('How often the retention job runs; a run stops after deleting 500,000 comparison rows and then queues the next run at once.'),
  // GET /metrics and /health; 0 = no server. Workers sharing a host each need their own port.
  METRICS_PORT: int(0).max(65_535).default(9464).describe("Port of the worker's `GET /metrics` and `GET /health`; `0` = no server. Workers sharing a host each need their own."),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino level.'),
}).refine((e) => e.NODE_ENV !== 'production' || !e.STORE_INPUT_TEXT || e.INPUT_TEXT_KEYS !== undefined || e.INPUT_TEXT_KEYS_FILE !== undefined, {
  message: 'required in production while STORE_INPUT_TEXT=true (input texts are stored encrypted); or set STORE_INPUT_TEXT=false to store none',
  path: ['INPUT_TEXT_KEYS'],
  // Checked even when other variables are bad, so one run reports every mistake.
  when: () => true,
});

export interface WorkerConfig {
  /** REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_NAME with REDIS_URL's credentials and database. */
  redis: RedisSettings;
  /** DATABASE_URL, DATABASE_SCHEMA and the timeouts, read as every other tool reads them (@sentiment/db settings.ts). */
  database: DbOptions;
  predictionWriter: WriterKind;
  queuePrefix: string;
  /** Every model of the deployment (the API routes by the same registry). */
  registry: Registry;
  /** The registry models this worker loads and takes jobs for. */
  serveModels: string[];
  allowRemoteModels: boolean;
  inferenceThreads: number;
  intraOpThreads: number;
  inferenceNiceness: number;
  interactiveThreads: number;
  /** V8's old-generation growth between full GCs, set once for every thread before any starts (main.ts). */
  heapGrowingPercent: number;
  neutralThreshold: number | undefined;
  maxBatchSize: number;
  maxBatchWaitMs: number;
  /** Full batches per length-sorted window under a backlog; 1: FIFO batches. */
  batchSortWindow: number;
  workerConcurrency: number;
  chunkSize: number;
  resultTtlS: number;
  shutdownTimeoutMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Times a job may lose its worker (crash) and be taken over before it fails. */
  maxStalledCount: number;
  storeInputText: boolean;
  /** Keys input texts are encrypted with (the first for new rows); undefined: stored as plaintext. */
  inputTextKeys: TextKey[] | undefined;
  maxBulkJobs: number;
  bulkFlushLingerMs: number;
  /** Result cache TTL in seconds; 0: no cache. */
  cacheTtlS: number;
  /** 0: never delete predictions. */
  retentionDays: number;
  retentionIntervalMs: number;
  /** 0: no metrics server. */
  metricsPort: number;
  logLevel: string;
}

/** INPUT_TEXT_KEYS, or the file INPUT_TEXT_KEYS_FILE names; problems go to `problems`, never the key material. */
function readTextKeys(source: NodeJS.ProcessEnv, problems: string[]): TextKey[] | undefined {
  const inline = source.INPUT_TEXT_KEYS?.trim();
  const file = source.INPUT_TEXT_KEYS_FILE?.trim();
  if (inline && file) {
    problems.push('INPUT_TEXT_KEYS and INPUT_TEXT_KEYS_FILE: set one, not both');
    return undefined;
  }
  let spec = inline;
  if (file) {
    try {
      spec = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(`INPUT_TEXT_KEYS_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  }
  if (!spec) return undefined;
  try {
    return parseTextKeys(spec);
  } catch (err) {
    problems.push(`${file ? 'INPUT_TEXT_KEYS_FILE' : 'INPUT_TEXT_KEYS'}: ${(err as Error).message}`);
    return undefined;
  }
}

/** Validates the whole environment at once; throws a ConfigError listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): WorkerConfig {
  // Checked outside zod, reported together with the schema's problems.
  const problems: string[] = redisSentinelProblems(source);
  const inputTextKeys = readTextKeys(source, problems);
  const set = setVariables(source);
  const registry = registryFromEnv(RegistryEnv.parse(set), problems);
  const serveModels = set.SERVE_MODELS?.split(',').map((x) => x.trim()).filter(Boolean);
  for (const name of serveModels ?? []) {
    if (registry && !registry.models.has(name)) problems.push(`SERVE_MODELS: no model "${name}" in the registry (${registry.origin}: ${[...registry.models.keys()].join(', ')})`);
  }
  const e = readEnv(EnvSchema, source, 'worker', problems);
  return {
    redis: redisSettings(e),
    database: databaseOptions(e),
    predictionWriter: e.DB_WRITER,
    queuePrefix: e.QUEUE_PREFIX,
    registry: registry!,
    serveModels: e.SERVE_MODELS ?? [...registry!.models.keys()],
    allowRemoteModels: e.ALLOW_REMOTE_MODELS,
    inferenceThreads: e.INFERENCE_THREADS,
    intraOpThreads: e.INTRA_OP_THREADS,
    inferenceNiceness: e.INFERENCE_NICENESS,
    interactiveThreads: e.INTERACTIVE_THREADS,
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    neutralThreshold: e.NEUTRAL_THRESHOLD,
    maxBatchSize: e.MAX_BATCH_SIZE,
    maxBatchWaitMs: e.MAX_BATCH_WAIT_MS,
    batchSortWindow: e.BATCH_SORT_WINDOW,
    workerConcurrency: e.WORKER_CONCURRENCY,
    chunkSize: e.CHUNK_SIZE,
    resultTtlS: e.RESULT_TTL_S,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    lockDurationMs: e.LOCK_DURATION_MS,
    stalledIntervalMs: e.STALLED_INTERVAL_MS,
    maxStalledCount: e.MAX_STALLED_COUNT,
    storeInputText: e.STORE_INPUT_TEXT,
    inputTextKeys,
    maxBulkJobs: e.MAX_BULK_JOBS,
    bulkFlushLingerMs: e.BULK_FLUSH_LINGER_MS,
    cacheTtlS: e.CACHE_TTL_S,
    retentionDays: e.RETENTION_DAYS,
    retentionIntervalMs: e.RETENTION_INTERVAL_MS,
    metricsPort: e.METRICS_PORT,
    logLevel: e.LOG_LEVEL,
  };
}
