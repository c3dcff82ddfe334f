// A PredictionWriter whose work runs in a worker thread (writer-thread/thread.ts) with its own ORM: the
// unit of work's CPU per row (entities, change sets, the INSERT's text; ~40 µs) and its pauses stay off the
// caller's event loop. Same contract as the writer it wraps: rows in, stored count out, PermanentWriteError
// for writes Postgres refuses for good, any other error an outage.
import { Worker } from 'node:worker_threads';
import type { DbOptions } from './config.js';
import type { NewPrediction } from './prediction-rows.js';
import type { PredictionWriter, WriterKind } from './prediction-writer.js';
import type { TextKey } from './text-cipher.js';
import { PermanentWriteError } from './write-errors.js';
import type { FromWriterThread, ThreadError, ToWriterThread, WriterThreadSetup } from './writer-thread/protocol.js';

export interface ThreadedPredictionWriter extends PredictionWriter {
  /** Waits for the thread's writes in flight, closes its pool and ends the thread. */
  close(): Promise<void>;
}

export interface ThreadedWriterOptions {
  db: DbOptions;
  kind?: WriterKind;
  textKeys?: readonly TextKey[];
}

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

/** Starts the thread and resolves once its ORM is set up (Postgres may still be down: it connects on first use). */
export async function startThreadedPredictionWriter({ db, kind = 'unit-of-work', textKeys }: ThreadedWriterOptions): Promise<ThreadedPredictionWriter> {
  const { log, ...dbOptions } = db;
  const setup: WriterThreadSetup = { kind: 'prediction-writer', db: dbOptions, writer: kind, ...(textKeys && { textKeys: textKeys.map((k) => ({ id: k.id, key: k.key })) }) };
  const thread = new Worker(threadEntry(), { workerData: setup });
  const pending = new Map<number, { resolve(count: number): void; reject(err: Error): void }>();
  const inFlight = new Set<Promise<number>>();
  let nextId = 0;
  let failure: Error | undefined;
  let closed: (() => void) | undefined;

  const ready = new Promise<void>((resolve, reject) => {
    const die = (err: Error) => {
      failure ??= err;
      reject(failure);
      for (const p of pending.values()) p.reject(failure);
      pending.clear();
      closed?.();
    };
    thread.on('message', (message: FromWriterThread) => {
      switch (message.type) {
        case 'ready':
          resolve();
          break;
        case 'inserted':
          pending.get(message.id)?.resolve(message.count);
          pending.delete(message.id);
          break;
        case 'failed':
          pending.get(message.id)?.reject(fromThreadError(message.error));
          pending.delete(message.id);
          break;
        case 'log':
          log?.[message.level](message.message);
          break;
        case 'closed':
          closed?.();
          break;
      }
    });
    thread.on('error', (err) => die(new Error(`prediction writer thread crashed: ${err.message}`, { cause: err })));
    thread.on('exit', (code) => die(new Error(`prediction writer thread exited (code ${code})`)));
  });
  await ready;

  return {
    insertMany(rows: readonly NewPrediction[]) {
      if (rows.length === 0) return Promise.resolve(0);
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      const written = new Promise<number>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        thread.postMessage({ type: 'insert', id, rows: rows as NewPrediction[] } satisfies ToWriterThread);
      });
      inFlight.add(written);
      void written.catch(() => undefined).finally(() => inFlight.delete(written));
      return written;
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      if (failure) return;
      const done = new Promise<void>((resolve) => (closed = resolve));
      thread.postMessage({ type: 'close' } satisfies ToWriterThread);
      await done;
      await thread.terminate();
    },
  };
}
