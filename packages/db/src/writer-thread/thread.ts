// The writer thread: its own ORM and connection pool, the process' prediction writer behind messages.
// MikroORM's per-row work (entities, change sets, the INSERT's text) runs here, off the worker's event
// loop, which hands batches to the inference threads and answers requests.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '@sentiment/core';
import { initOrm } from '../config.js';
import { createPredictionWriter } from '../create-prediction-writer.js';
import { createTextCipher } from '../text-cipher.js';
import { PermanentWriteError } from '../write-errors.js';
import type { FromWriterThread, ThreadError, ToWriterThread, WriterThreadSetup } from './protocol.js';

const setup = workerData as WriterThreadSetup;
const port = parentPort!;
const send = (message: FromWriterThread) => port.postMessage(message);
lowerThreadPriority(setup.niceness ?? 0);

// No top-level await: from source this module is loaded by require() (bootstrap.mjs).
const started = initOrm({
  ...setup.db,
  log: { warn: (message) => send({ type: 'log', level: 'warn', message }), error: (message) => send({ type: 'log', level: 'error', message }) },
}).then((orm) => {
  const textCipher = setup.textKeys ? createTextCipher(setup.textKeys.map((k) => ({ id: k.id, key: Buffer.from(k.key) }))) : undefined;
  return { orm, writer: createPredictionWriter(orm, { kind: setup.writer, textCipher }) };
});

function toThreadError(err: unknown): ThreadError {
  if (err instanceof PermanentWriteError) {
    return { name: err.name, message: err.message, code: err.code, column: err.column, table: err.table, constraint: err.constraint };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const code: unknown = (e as Error & { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(typeof code === 'string' && { code }) };
}

port.on('message', (message: ToWriterThread) => {
  void started.then(({ orm, writer }) => {
    if (message.type === 'close') {
      void orm.close().finally(() => send({ type: 'closed' }));
      return;
    }
    writer.insertMany(message.rows).then(
      (count) => send({ type: 'inserted', id: message.id, count }),
      (err: unknown) => send({ type: 'failed', id: message.id, error: toThreadError(err) }),
    );
  });
});
// A setup that cannot work (a bad option) ends the thread with the error: the caller's start fails.
started.then(
  () => send({ type: 'ready' }),
  (err: unknown) => {
    throw err;
  },
);
