// SST-2's training rows are the phrases of a parse tree: a sentence, then every phrase inside it, each a row.
// Counted as running text (skip-gram pre-training) they repeat each sentence's word pairs once per enclosing
// phrase; kept to the outermost rows, each sentence counts once.
import type { EncodedSet } from './encoded-set.js';

const SEPARATOR = '\uffff';

/**
 * The rows (of `candidates`, in their order) whose ids, [CLS] and [SEP] left out, are not a contiguous part of
 * a longer (or earlier equal) candidate row's ids. Ids are compared as UTF-16 code units, so they must stay
 * under 0xD800.
 */
export function outermostRows(set: Pick<EncodedSet, 'ids' | 'offsets'>, candidates: readonly number[]): number[] {
  const inner = (row: number) => {
    const ids = set.ids.subarray(set.offsets[row]! + 1, set.offsets[row + 1]! - 1);
    for (const id of ids) if (id >= 0xd800) throw new Error(`outermostRows: id ${id} is beyond 0xD7FF`);
    return String.fromCharCode(...ids);
  };
  const byLength = [...candidates].sort((a, b) => set.offsets[b + 1]! - set.offsets[b]! - (set.offsets[a + 1]! - set.offsets[a]!) || a - b);
  let kept = SEPARATOR;
  const keep = new Set<number>();
  for (const row of byLength) {
    const key = inner(row);
    if (key === '' || kept.includes(key)) continue;
    kept += key + SEPARATOR;
    keep.add(row);
  }
  return candidates.filter((row) => keep.has(row));
}

/** The rows `rows` of `set` as a set of their own (ids and offsets only). */
export function subsetRows(set: Pick<EncodedSet, 'ids' | 'offsets'>, rows: readonly number[]): Pick<EncodedSet, 'ids' | 'offsets'> {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((row, k) => (offsets[k + 1] = offsets[k]! + set.offsets[row + 1]! - set.offsets[row]!));
  const ids = new Int32Array(offsets[rows.length]!);
  rows.forEach((row, k) => ids.set(set.ids.subarray(set.offsets[row]!, set.offsets[row + 1]!), offsets[k]!));
  return { ids, offsets };
}
