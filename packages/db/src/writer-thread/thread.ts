// The writer thread: its own ORM and connection pool, the process' database work behind messages: the
// prediction rows, and for the worker also comparison rows, retention and the startup ping. MikroORM's
// per-row work (entities, change sets, the INSERT's text) runs here, off the worker's event loop, which
// hands batches to the inference threads and answers requests, and never loads MikroORM itself.
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '@sentiment/core';
import { createComparisonWriter } from '../comparison-writer.js';
import { initOrm, pingDatabase, type Orm } from '../config.js';
import { createPredictionWriter } from '../create-prediction-writer.js';
import type { PredictionWriter } from '../prediction-writer.js';
import { retentionStore } from '../retention.js';
import { createTextCipher } from '../text-cipher.js';
import { PermanentWriteError } from '../write-errors.js';
import type { FromWriterThread, ThreadError, ToWriterThread, WorkRequest, WriterThreadSetup } from './protocol.js';

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
  return work(orm, createPredictionWriter(orm, { kind: setup.writer, textCipher }));
});

/** What each request runs; the ORM stays in this thread. */
function work(orm: Orm, writer: PredictionWriter) {
  const comparisons = createComparisonWriter(orm);
  const retention = retentionStore(orm);
  const run = (request: WorkRequest): Promise<unknown> => {
    switch (request.work) {
      case 'insert':
        return writer.insertMany(request.rows);
      case 'writeComparisons':
        return comparisons.write(request.rows);
      case 'ensurePartitionsAhead':
        return retention.ensurePartitionsAhead(request.now);
      case 'deleteOlderThan':
        return retention.deleteOlderThan(request.cutoff, request.options);
      case 'ping':
        return pingDatabase(orm);
    }
  };
  return { orm, run };
}

function toThreadError(err: unknown): ThreadError {
  if (err instanceof PermanentWriteError) {
    return { name: err.name, message: err.message, code: err.code, column: err.column, table: err.table, constraint: err.constraint };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const code: unknown = (e as Error & { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(typeof code === 'string' && { code }) };
}

port.on('message', (message: ToWriterThread) => {
  void started.then(({ orm, run }) => {
    if (message.type === 'close') {
      void orm.close().finally(() => send({ type: 'closed' }));
      return;
    }
    run(message.request).then(
      (answer) => send({ type: 'done', id: message.id, answer }),
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
