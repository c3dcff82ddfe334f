import { describe, expect, it } from 'vitest';
import { dequantizeRows, quantizeRows } from '../../src/export/int8-rows.js';
import { mulberry32 } from '../../src/training/prng.js';

describe('int8 rows', () => {
  it('keeps every value within half a step of its row, and rows of very different sizes each their own precision', () => {
    const random = mulberry32(5);
    const columns = 8;
    const rowScale = [1, 0.001, 40, 0.3];
    const table = Float32Array.from({ length: rowScale.length * columns }, (_, i) => (random() * 2 - 1) * rowScale[Math.floor(i / columns)]!);
    const q = quantizeRows(table, columns);
    expect(q.scales.length).toBe(rowScale.length);
    const back = dequantizeRows(q);
    for (let i = 0; i < table.length; i++) {
      const step = q.scales[Math.floor(i / columns)]!;
      expect(Math.abs(back[i]! - table[i]!)).toBeLessThanOrEqual(step / 2 + 1e-7);
    }
    // Each row's largest magnitude maps to ±127: the whole int8 range is used.
    for (let r = 0; r < rowScale.length; r++) expect(Math.max(...Array.from(q.values.subarray(r * columns, (r + 1) * columns), Math.abs))).toBe(127);
  });

  it('gives an all-zero row (e.g. [PAD]) scale 0 and zeros back', () => {
    const q = quantizeRows(Float32Array.of(0, 0, 0, 0.5, -1, 0.25), 3);
    expect(Array.from(q.scales)).toEqual([0, Math.fround(1 / 127)]);
    expect(Array.from(dequantizeRows(q).subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(q.values.subarray(3))).toEqual([64, -127, 32]);
  });

  it('refuses a table that does not split into rows', () => {
    expect(() => quantizeRows(new Float32Array(7), 3)).toThrow(/rows of 3/);
  });
});
