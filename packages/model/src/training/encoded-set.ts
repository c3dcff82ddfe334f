// Texts encoded through the runtime's normaliser and tokenizer (loadModelTokenizer), so training sees exactly the ids inference sees.
import { loadModelTokenizer } from '../runtime/model-tokenizer.js';
import type { ModelSource } from '../transformers-js.js';

/** Sequences packed flat: sequence i is ids[offsets[i] .. offsets[i + 1]). */
export interface EncodedSet {
  ids: Int32Array;
  offsets: Int32Array;
  labels: Uint8Array;
  /** 1 where the example comes from a binary corpus: only negative vs positive is compared (absent: none). */
  binary?: Uint8Array;
  /** Loss weight per example (absent: 1 each). */
  weights?: Float32Array;
  /** Target distribution per example, [n, classes], learned instead of the label (distillation; absent: the labels). */
  targets?: Float32Array;
}

export interface LabelledRow {
  text: string;
  label: number;
  binary?: boolean;
}

export function packSequences(sequences: ArrayLike<number>[], labels: ArrayLike<number>, binary?: ArrayLike<number>): EncodedSet {
  const offsets = new Int32Array(sequences.length + 1);
  sequences.forEach((s, i) => (offsets[i + 1] = offsets[i]! + s.length));
  const ids = new Int32Array(offsets[sequences.length]!);
  sequences.forEach((s, i) => ids.set(Array.from(s), offsets[i]!));
  const set: EncodedSet = { ids, offsets, labels: Uint8Array.from(Array.from(labels)) };
  if (binary && Array.from(binary).some((b) => b !== 0)) set.binary = Uint8Array.from(Array.from(binary));
  return set;
}

export async function encodeTexts(source: ModelSource, rows: LabelledRow[], maxLength: number): Promise<EncodedSet> {
  const tokenizer = await loadModelTokenizer(source, maxLength);
  return packSequences(
    rows.map((r) => tokenizer.encode(r.text)),
    rows.map((r) => r.label),
    rows.map((r) => (r.binary ? 1 : 0)),
  );
}

export function countToken(set: EncodedSet, id: number): number {
  let n = 0;
  for (const t of set.ids) if (t === id) n++;
  return n;
}
