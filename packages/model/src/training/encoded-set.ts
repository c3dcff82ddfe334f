// Texts encoded through the runtime tokenizer (loadTokenizer), so training sees exactly the ids inference sees.
import { loadTokenizer, type ModelSource } from '../transformers-js.js';
import type { LabelledText } from './sst2-tsv.js';

/** Sequences packed flat: sequence i is ids[offsets[i] .. offsets[i + 1]). */
export interface EncodedSet {
  ids: Int32Array;
  offsets: Int32Array;
  labels: Uint8Array;
}

export function packSequences(sequences: ArrayLike<number>[], labels: ArrayLike<number>): EncodedSet {
  const offsets = new Int32Array(sequences.length + 1);
  sequences.forEach((s, i) => (offsets[i + 1] = offsets[i]! + s.length));
  const ids = new Int32Array(offsets[sequences.length]!);
  sequences.forEach((s, i) => ids.set(Array.from(s), offsets[i]!));
  return { ids, offsets, labels: Uint8Array.from(Array.from(labels)) };
}

export async function encodeTexts(source: ModelSource, rows: LabelledText[], maxLength: number): Promise<EncodedSet> {
  const tokenizer = await loadTokenizer(source, maxLength);
  return packSequences(
    rows.map((r) => tokenizer.encode(r.text)),
    rows.map((r) => r.label),
  );
}

export function countToken(set: EncodedSet, id: number): number {
  let n = 0;
  for (const t of set.ids) if (t === id) n++;
  return n;
}
