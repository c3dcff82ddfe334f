import type { NewPrediction } from './prediction-rows.js';
import type { TextCipher } from './text-cipher.js';

export interface PredictionWriter {
  /**
   * Stores rows, skipping those whose (jobId, itemIndex) is already stored; returns how many it stored.
   * Chunks of a large call are stored one after another: a call that fails part-way may leave earlier
   * chunks stored, and calling it again stores only the rest.
   */
  insertMany(rows: readonly NewPrediction[]): Promise<number>;
}

/** How rows reach Postgres: MikroORM's unit of work (the default) or one hand-built statement per chunk. */
export const WRITER_KINDS = ['unit-of-work', 'sql'] as const;
export type WriterKind = (typeof WRITER_KINDS)[number];

export interface PredictionWriterOptions {
  kind?: WriterKind;
  /** Rows per flush (per statement); the unit of work never exceeds the ORM's `batchSize`. */
  rowsPerFlush?: number;
  /** Encrypts input texts before they are stored. */
  textCipher?: TextCipher;
}
