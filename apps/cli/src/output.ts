import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Prediction } from '@sentiment/client';
import { usage } from './exit-codes.js';

export const OUTPUT_FORMATS = ['jsonl', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `--output-format` when given, else `.csv` for a `--out` ending in .csv, else JSON Lines. */
export function outputFormatOf(out: string | undefined, explicit?: OutputFormat): OutputFormat {
  if (explicit) return explicit;
  return out && path.extname(out).toLowerCase() === '.csv' ? 'csv' : 'jsonl';
}

export type Row = Record<string, string | number | boolean>;

export interface ResultWriter {
  write(rows: Row[]): Promise<void>;
  /** Flushes; a file output appears under its name only now (it is written as `<name>.partial` until then). */
  finish(): Promise<void>;
  /** Drops a partial file output. */
  abort(): Promise<void>;
}

/** Rows as JSON Lines or CSV (header from `columns`), to `out` or, without it, stdout. */
export function openResultWriter(out: string | undefined, format: OutputFormat, columns: string[]): ResultWriter {
  const partial = out && `${out}.partial`;
  const stream: Writable = partial ? createWriteStream(partial) : process.stdout;
  let headerDone = false;

  const encode = (rows: Row[]): string => {
    if (format === 'jsonl') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    // csv-stringify writes `false` as an empty field by default; spell booleans out.
    const text = stringify(rows, { header: !headerDone, columns, cast: { boolean: (b) => String(b) } });
    headerDone = true;
    return text;
  };

  return {
    async write(rows) {
      if (rows.length === 0) return;
      if (!stream.write(encode(rows))) await once(stream, 'drain');
    },
    async finish() {
      if (!partial) return;
      if (format === 'csv' && !headerDone) stream.write(encode([]));
      stream.end();
      await once(stream, 'close');
      await rename(partial, out!);
    },
    async abort() {
      if (!partial) return;
      stream.destroy();
      await rm(partial, { force: true });
    },
  };
}

/** Keeps `out` from being overwritten by a typo'd `--out` pointing at the input itself. */
export function checkOutput(out: string | undefined, input: string): void {
  if (out && path.resolve(out) === path.resolve(input)) throw usage(`--out ${out} is the input file itself`);
}

/** The columns every result row carries for a prediction (after the row's own position columns). */
export function predictionColumns(p: Prediction): Row {
  return {
    sentiment: p.sentiment,
    confidence: p.confidence,
    model_version: p.model_version,
    id: p.id,
    latency_ms: p.latency_ms,
    cache_hit: p.cache_hit,
  };
}
