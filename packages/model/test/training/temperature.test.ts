import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/training/prng.js';
import { fitTemperature, temperatureNll } from '../../src/training/temperature.js';

// Logits of an over-confident model: the true class gets a margin, then everything is multiplied by 3.
function overconfident(n: number, scale: number) {
  const random = mulberry32(9);
  const logits = new Float32Array(n * 3);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(random() * 3);
    for (let c = 0; c < 3; c++) logits[i * 3 + c] = scale * (random() * 2 + (c === labels[i] ? 1 : 0));
  }
  return { logits, labels };
}

describe('fitTemperature', () => {
  it('finds the temperature that undoes a known over-confidence and lowers the NLL', () => {
    const base = overconfident(4000, 1);
    const hot = overconfident(4000, 3);
    const tBase = fitTemperature(base.logits, base.labels, 3);
    const tHot = fitTemperature(hot.logits, hot.labels, 3);
    expect(tHot / tBase).toBeCloseTo(3, 1);
    const nll = (t: number) => temperatureNll(hot.logits, hot.labels, 3, t);
    expect(nll(tHot)).toBeLessThan(nll(tHot * 0.9));
    expect(nll(tHot)).toBeLessThan(nll(tHot * 1.1));
    // The scale-1 logits are under-confident: sharpening them (T < 1) is what lowers their NLL.
    expect(tBase).toBeLessThan(0.8);
    expect(temperatureNll(base.logits, base.labels, 3, tBase)).toBeLessThan(temperatureNll(base.logits, base.labels, 3, 1) - 0.02);
  });
});
