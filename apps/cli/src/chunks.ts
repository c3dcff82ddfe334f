import { createHash } from 'node:crypto';
import type { InputItem } from './input/items.js';

/** Items `[start, start + count)` of the input, sent as one job. */
export interface Chunk {
  index: number;
  start: number;
  count: number;
}

export interface ChunkLimits {
  /** Texts per job: at most the API's MAX_JOB_TEXTS. */
  maxTexts: number;
  /** JSON bytes per request body: below the API's BODY_LIMIT (16 MB by default). */
  maxBytes: number;
}

/**
 * Cuts the input into jobs, in order. Deterministic in the input and the limits, so a re-run cuts the
 * same chunks and their idempotency keys name the same texts.
 */
export function planChunks(items: readonly InputItem[], { maxTexts, maxBytes }: ChunkLimits): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  let bytes = 0;
  items.forEach(({ text }, i) => {
    const size = Buffer.byteLength(JSON.stringify(text)) + 1;
    const count = i - start;
    if (count > 0 && (count >= maxTexts || bytes + size > maxBytes)) {
      chunks.push({ index: chunks.length, start, count });
      start = i;
      bytes = 0;
    }
    bytes += size;
  });
  if (items.length > start) chunks.push({ index: chunks.length, start, count: items.length - start });
  return chunks;
}

/** Everything that decides which texts go into which job: the file's bytes and how it is read and cut. */
export interface SubmissionIdentity {
  sha256: string;
  format: string;
  selector: string;
  limits: ChunkLimits;
  /** `--model`, when given: a submission for another model is another submission (its own keys). */
  model?: string;
}

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Names a submission (state file, `sentiment wait ID`); the server is part of it, its job ids are its own. */
export function submissionId(identity: SubmissionIdentity, baseUrl: string): string {
  return digest([identity, baseUrl]).slice(0, 16);
}

/**
 * The Idempotency-Key of chunk `index`: the same file read the same way gives the same key, so a
 * re-run (after a crash, a kill, a lost answer) gets the job the first run created instead of a new
 * one. `generation` moves on only when that job has expired on the server and must run again.
 */
export function chunkIdempotencyKey(identity: SubmissionIdentity, index: number, generation = 0): string {
  const base = `sentiment-cli:${digest(identity).slice(0, 32)}:${index}`;
  return generation === 0 ? base : `${base}:r${generation}`;
}
