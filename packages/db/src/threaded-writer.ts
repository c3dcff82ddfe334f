// A PredictionWriter whose work runs in a worker thread (writer-thread/thread.ts) with its own ORM: the
// unit of work's CPU per row (entities, change sets, the INSERT's text; ~50 µs) and its pauses stay off the
// caller's event loop. Same contract as the writer it wraps: rows in, stored count out, PermanentWriteError
// for writes Postgres refuses for good, any other error an outage. The thread also does the rest of a
// worker's database work (comparison rows, retention, a ping), so the worker's own event loop never loads
// MikroORM (@sentiment/db/threaded).
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { ComparisonWriter } from './comparison-writer.js';
import type { DbOptions } from './options.js';
import type { NewPrediction } from './prediction-rows.js';
import type { PredictionWriter, WriterKind } from './prediction-writer.js';
import type { RetentionStore } from './retention.js';
import type { TextKey } from './text-cipher.js';
import { PermanentWriteError } from './write-errors.js';
import type { FromWriterThread, ThreadError, ToWriterThread, WorkName, WorkRequest, WorkRequestOf, WriterThreadSetup, WriterThreadWork } from './writer-thread/protocol.js';

export interface ThreadedPredictionWriter extends PredictionWriter {
  /** Shadow runs' comparison rows, written by the thread's ComparisonWriter. */
  readonly comparisons: ComparisonWriter;
  /** Partitions ahead and old rows out, by the thread's ORM. */
  readonly retention: RetentionStore;
  /** Resolves once Postgres answers a query from the thread's pool. */
  ping(): Promise<void>;
  /** Waits for the thread's work in flight, closes its pool and ends the thread. */
  close(): Promise<void>;
}

export interface ThreadedWriterOptions {
  db: DbOptions;
  kind?: WriterKind;
  textKeys?: readonly TextKey[];
  /** V8 limits of the thread (e.g. a heap cap; default: YOUNG_GENERATION_MB); a thread that exceeds them dies and is replaced. */
  resourceLimits?: ResourceLimits;
  /** Told when the thread died and when a new one replaces it. */
  onRestart?: (reason: Error) => void;
  /**
   * Nice value of the thread (Linux), for bulk writes: above 0, event loops and the interactive writer run
   * first when both want a core. Default 0.
   */
  niceness?: number;
}

/**
 * V8's young generation per writer thread. Left alone it grows to ~32 MiB under load and stays resident; at
 * 16 the worker keeps ~10–20 MiB less at no measured cost in /jobs texts/s. Smaller costs throughput: a
 * flush's entities then outlive the young generation and are promoted (4 MiB: −13 %; docs/benchmarks.md, "Memory").
 */
const YOUNG_GENERATION_MB = 16;

/** A dead thread is replaced on the next write, at most this often; writes meanwhile fail (and are parked). */
const RESTART_INTERVAL_MS = 1000;

function threadEntry(): URL {
  const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');
  return new URL(fromSource ? './writer-thread/bootstrap.mjs' : './writer-thread/thread.js', import.meta.url);
}

function fromThreadError(error: ThreadError): Error {
  if (error.name === 'PermanentWriteError') {
    return new PermanentWriteError(error.message, { code: error.code ?? 'unknown', column: error.column, table: error.table, constraint: error.constraint });
  }
  return Object.assign(new Error(error.message), { name: error.name, ...(error.code !== undefined && { code: error.code }) });
}

/** One thread and the writes it owes answers for. */
class WriterThread {
  readonly ready: Promise<void>;
  failure: Error | undefined;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(answer: unknown): void; reject(err: Error): void }>();
  private nextId = 0;
  private closed: (() => void) | undefined;

  constructor(setup: WriterThreadSetup, log: DbOptions['log'], resourceLimits: ResourceLimits | undefined) {
    this.worker = new Worker(threadEntry(), { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, ...resourceLimits } });
    this.ready = new Promise<void>((resolve, reject) => {
      const die = (err: Error) => {
        this.failure ??= err;
        reject(this.failure);
        for (const p of this.pending.values()) p.reject(this.failure);
        this.pending.clear();
        this.closed?.();
      };
      this.worker.on('message', (message: FromWriterThread) => {
        switch (message.type) {
          case 'ready':
            resolve();
            break;
          case 'done':
            this.pending.get(message.id)?.resolve(message.answer);
            this.pending.delete(message.id);
            break;
          case 'failed':
            this.pending.get(message.id)?.reject(fromThreadError(message.error));
            this.pending.delete(message.id);
            break;
          case 'log':
            log?.[message.level](message.message);
            break;
          case 'closed':
            this.closed?.();
            break;
        }
      });
      this.worker.on('error', (err) => die(new Error(`prediction writer thread crashed: ${err.message}`, { cause: err })));
      this.worker.on('exit', (code) => die(new Error(`prediction writer thread exited (code ${code})`)));
    });
    this.ready.catch(() => undefined); // observed through insert() and start
  }

  request<K extends WorkName>(request: WorkRequestOf<K>): Promise<WriterThreadWork[K]['answer']> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (answer: unknown) => void, reject });
      this.worker.postMessage({ type: 'request', id, request: request as WorkRequest } satisfies ToWriterThread);
    });
  }

  async close(): Promise<void> {
    if (!this.failure) {
      const done = new Promise<void>((resolve) => (this.closed = resolve));
      this.worker.postMessage({ type: 'close' } satisfies ToWriterThread);
      await done;
    }
    await this.worker.terminate();
  }
}

/** Starts the thread and resolves once its ORM is set up (Postgres may still be down: it connects on first use). */
export async function startThreadedPredictionWriter(options: ThreadedWriterOptions): Promise<ThreadedPredictionWriter> {
  const { db, kind = 'unit-of-work', textKeys, resourceLimits, onRestart, niceness = 0 } = options;
  const { log, ...dbOptions } = db;
  const setup: WriterThreadSetup = { kind: 'prediction-writer', db: dbOptions, writer: kind, niceness, ...(textKeys && { textKeys: textKeys.map((k) => ({ id: k.id, key: k.key })) }) };
  let thread = new WriterThread(setup, log, resourceLimits);
  await thread.ready;
  let startedAt = Date.now();
  let closing = false;
  const inFlight = new Set<Promise<unknown>>();

  /** The live thread, or a new one in place of a dead one (at most once per RESTART_INTERVAL_MS). */
  function liveThread(): WriterThread {
    if (thread.failure && !closing && Date.now() - startedAt >= RESTART_INTERVAL_MS) {
      onRestart?.(thread.failure);
      thread = new WriterThread(setup, log, resourceLimits);
      startedAt = Date.now();
    }
    return thread;
  }

  /** Sends the request to the live thread; close() waits for its answer. */
  function send<K extends WorkName>(request: WorkRequestOf<K>): Promise<WriterThreadWork[K]['answer']> {
    if (closing) return Promise.reject(new Error('prediction writer is closed'));
    const target = liveThread();
    const answered = target.ready.then(() => target.request(request));
    inFlight.add(answered);
    void answered.catch(() => undefined).finally(() => inFlight.delete(answered));
    return answered;
  }

  return {
    insertMany: (rows: readonly NewPrediction[]) => (rows.length === 0 ? Promise.resolve(0) : send({ work: 'insert', rows: rows as NewPrediction[] })),
    comparisons: {
      write: async (rows) => {
        if (rows.length > 0) await send({ work: 'writeComparisons', rows: [...rows] });
      },
    },
    retention: {
      ensurePartitionsAhead: (now) => send({ work: 'ensurePartitionsAhead', now }),
      deleteOlderThan: (cutoff, options) => send({ work: 'deleteOlderThan', cutoff, options }),
    },
    ping: () => send({ work: 'ping' }),
    async close() {
      closing = true;
      await Promise.allSettled([...inFlight]);
      await thread.close();
    },
  };
}
