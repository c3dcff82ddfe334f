// Messages between a ThreadedPredictionWriter and its thread (thread.ts). Values cross by structured
// clone: Dates stay Dates, Buffers arrive as Uint8Arrays, class instances as plain objects.
import type { ModelComparisonRow } from '../comparison-writer.js';
import type { DbOptions } from '../options.js';
import type { NewPrediction } from '../prediction-rows.js';
import type { WriterKind } from '../prediction-writer.js';
import type { DeletedRows, DeleteOlderThanOptions } from '../retention.js';

export interface WriterThreadSetup {
  kind: 'prediction-writer';
  /** Without `log`: functions do not cross threads; the thread's ORM messages come back as `log` messages. */
  db: Omit<DbOptions, 'log'>;
  writer: WriterKind;
  /** Input-text keys (id, 32-byte key) when texts are stored encrypted. */
  textKeys?: Array<{ id: string; key: Uint8Array }>;
  /** The thread's nice value (0: the caller's priority). */
  niceness?: number;
}

/** The database work a thread does for its process, and what each answers. */
export interface WriterThreadWork {
  insert: { args: { rows: NewPrediction[] }; answer: number };
  writeComparisons: { args: { rows: ModelComparisonRow[] }; answer: void };
  ensurePartitionsAhead: { args: { now: Date }; answer: string[] };
  deleteOlderThan: { args: { cutoff: Date; options?: DeleteOlderThanOptions }; answer: DeletedRows };
  ping: { args: object; answer: void };
}

export type WorkName = keyof WriterThreadWork;
export type WorkRequestOf<K extends WorkName> = { work: K } & WriterThreadWork[K]['args'];
export type WorkRequest = { [K in WorkName]: WorkRequestOf<K> }[WorkName];

export type ToWriterThread = { type: 'request'; id: number; request: WorkRequest } | { type: 'close' };

/** An error as it crosses back: PermanentWriteError's fields kept, so the caller can rebuild it. */
export interface ThreadError {
  name: string;
  message: string;
  code?: string;
  column?: string;
  table?: string;
  constraint?: string;
}

export type FromWriterThread =
  | { type: 'ready' }
  | { type: 'done'; id: number; answer: unknown }
  | { type: 'failed'; id: number; error: ThreadError }
  | { type: 'log'; level: 'warn' | 'error'; message: string }
  | { type: 'closed' };
