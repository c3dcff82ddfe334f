// Messages between a ThreadedPredictionWriter and its thread (thread.ts). Values cross by structured
// clone: Dates stay Dates, Buffers arrive as Uint8Arrays, class instances as plain objects.
import type { DbOptions } from '../config.js';
import type { NewPrediction } from '../prediction-rows.js';
import type { WriterKind } from '../prediction-writer.js';

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

export type ToWriterThread = { type: 'insert'; id: number; rows: NewPrediction[] } | { type: 'close' };

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
  | { type: 'inserted'; id: number; count: number }
  | { type: 'failed'; id: number; error: ThreadError }
  | { type: 'log'; level: 'warn' | 'error'; message: string }
  | { type: 'closed' };
