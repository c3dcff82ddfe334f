// Skip-gram pre-training reads SST-2's parse-tree phrases once per sentence: the rows inside another are left out.
import { describe, expect, it } from 'vitest';
import { packSequences } from '../../src/training/encoded-set.js';
import { outermostRows, subsetRows } from '../../src/training/outermost-rows.js';

// [CLS] = 2, [SEP] = 3 around each row, as the tokenizer encodes them.
const rows = [
  [10, 11, 12, 13], // 0: a sentence
  [11, 12], // 1: a phrase inside 0
  [12, 13, 14], // 2: overlaps 0's end but goes beyond it: not inside
  [13], // 3: inside 0 and 2
  [20, 21], // 4: a sentence of its own
  [10, 11, 12, 13], // 5: 0 again
  [13, 20], // 6: 0's end and 4's start, across the two rows: not inside either
];
const set = packSequences(rows.map((r) => [2, ...r, 3]), rows.map(() => 0));

describe('outermostRows', () => {
  it('keeps the rows no other row contains, in their order, each text once', () => {
    expect(outermostRows(set, [0, 1, 2, 3, 4, 5, 6])).toEqual([0, 2, 4, 6]);
  });

  it('looks only among the candidates given', () => {
    expect(outermostRows(set, [1, 3, 4])).toEqual([1, 3, 4]);
    expect(outermostRows(set, [1, 2, 3])).toEqual([1, 2]);
  });

  it('subsetRows packs the chosen rows as a set of their own', () => {
    const sub = subsetRows(set, [2, 4]);
    expect(Array.from(sub.offsets)).toEqual([0, 5, 9]);
    expect(Array.from(sub.ids)).toEqual([2, 12, 13, 14, 3, 2, 20, 21, 3]);
  });

  it('refuses ids it cannot compare as code units', () => {
    const big = packSequences([[2, 0xd800, 3]], [0]);
    expect(() => outermostRows(big, [0])).toThrow(/0xD7FF/);
  });
});
