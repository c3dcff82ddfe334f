import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/training/prng.js';
import { fitClassBias, groupMacroRecall } from '../../src/training/class-bias.js';

// A model that under-predicts class 2: its logit for class 2 is 0.8 too low.
function shifted(n: number) {
  const random = mulberry32(4);
  const logits = new Float32Array(n * 3);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let c = 0; c < 3; c++) logits[i * 3 + c] = random() * 2 + (c === labels[i] ? 1 : 0) - (c === 2 ? 0.8 : 0);
  }
  return { logits, labels, groups: new Int32Array(n) };
}

describe('fitClassBias', () => {
  const { logits, labels, groups } = shifted(3000);
  const zero = new Float32Array(3);

  it('undoes a known shift and raises macro-recall', () => {
    const bias = fitClassBias(logits, labels, groups, 3);
    expect(bias[0]).toBe(0);
    expect(bias[2]! - bias[1]!).toBeGreaterThan(0.5);
    expect(groupMacroRecall(logits, labels, groups, bias, 3)).toBeGreaterThan(groupMacroRecall(logits, labels, groups, zero, 3) + 0.05);
  });

  it('with a tolerance, takes smaller offsets that score within it of the best', () => {
    const best = fitClassBias(logits, labels, groups, 3);
    const tolerant = fitClassBias(logits, labels, groups, 3, 2, 0.1, 0.01);
    const norm = (v: Float32Array) => v.reduce((a, x) => a + x * x, 0);
    expect(norm(tolerant)).toBeLessThan(norm(best));
    expect(groupMacroRecall(logits, labels, groups, tolerant, 3)).toBeGreaterThanOrEqual(groupMacroRecall(logits, labels, groups, best, 3) - 0.01 - 1e-9);
  });
});
