// The eval script's bootstrap intervals: right width for a known sample, paired, repeatable.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/training/prng.js';
import { bootstrapInterval, calibratedEceInterval, pick } from '../../src/eval/bootstrap.js';
import { expectedCalibrationError } from '../../src/eval/metrics.js';

/** Share of ones among the resampled rows. */
const meanOf = (values: number[]) => (rows: Uint32Array) => pick(values, rows).reduce((a, b) => a + b, 0) / rows.length;

describe('bootstrapInterval', () => {
  it('matches the normal approximation for a share of 400 rows', () => {
    const values = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 1 : 0)); // p = 0.5
    const { low, high } = bootstrapInterval(values.length, meanOf(values), { resamples: 2000 });
    const halfWidth = 1.96 * Math.sqrt(0.25 / 400); // 0.049
    expect(low).toBeCloseTo(0.5 - halfWidth, 1);
    expect(high).toBeCloseTo(0.5 + halfWidth, 1);
    expect(high - low).toBeGreaterThan(halfWidth * 1.8);
    expect(high - low).toBeLessThan(halfWidth * 2.2);
  });

  it('is narrower for more rows and at a lower level', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const width = (n: number, level = 0.95) => {
      const { low, high } = bootstrapInterval(n, meanOf(rows(n)), { level });
      return high - low;
    };
    expect(width(1600)).toBeLessThan(width(100) / 3);
    expect(width(400, 0.5)).toBeLessThan(width(400, 0.95) / 2);
  });

  it('pairs the systems: a difference on few rows has a narrow interval even when each figure is uncertain', () => {
    const n = 500;
    const a = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const b = a.map((v, i) => (i < 10 ? 1 - v : v)); // differs from a on 10 rows only
    const difference = bootstrapInterval(n, (rows) => meanOf(a)(rows) - meanOf(b)(rows));
    const alone = bootstrapInterval(n, meanOf(a));
    expect(difference.high - difference.low).toBeLessThan((alone.high - alone.low) / 3);
    expect(difference.low).toBeLessThanOrEqual(0);
    expect(difference.high).toBeGreaterThanOrEqual(0);
  });

  it('repeats for a seed and moves with another', () => {
    const values = Array.from({ length: 50 }, (_, i) => (i * 7) % 11);
    const once = bootstrapInterval(values.length, meanOf(values), { seed: 3 });
    expect(bootstrapInterval(values.length, meanOf(values), { seed: 3 })).toEqual(once);
    expect(bootstrapInterval(values.length, meanOf(values), { seed: 4 })).not.toEqual(once);
  });

  it('drops resamples where the figure is undefined, and refuses no rows', () => {
    // NaN whenever the resample holds row 0: the interval comes from the others only.
    const values = [100, 1, 1, 1];
    const { low, high } = bootstrapInterval(values.length, (rows) => (rows.includes(0) ? NaN : meanOf(values)(rows)));
    expect([low, high]).toEqual([1, 1]);
    expect(bootstrapInterval(3, () => NaN)).toEqual({ low: NaN, high: NaN });
    expect(() => bootstrapInterval(0, () => 0)).toThrow(/at least one row/);
    expect(() => bootstrapInterval(3, () => 0, { level: 1 })).toThrow(/level/);
  });
});

describe('calibratedEceInterval', () => {
  /** n confidences spread over [0.4, 1), and answers right with probability confidence − shortfall. */
  function model(n: number, shortfall: number, seed: number) {
    const random = mulberry32(seed);
    const confidences = Array.from({ length: n }, () => 0.4 + 0.6 * random());
    const correct = confidences.map((c) => random() < c - shortfall);
    return { confidences, ece: expectedCalibrationError(confidences, correct) };
  }

  it('holds the ECE of calibrated models, not of overconfident ones', () => {
    let inside = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const calibrated = model(500, 0, seed);
      const band = calibratedEceInterval(calibrated.confidences, { resamples: 300 });
      if (calibrated.ece >= band.low && calibrated.ece <= band.high) inside++;
      const overconfident = model(500, 0.1, seed);
      expect(overconfident.ece).toBeGreaterThan(calibratedEceInterval(overconfident.confidences, { resamples: 300 }).high);
    }
    expect(inside).toBeGreaterThanOrEqual(16); // 95 % band: 19 of 20 expected
  });

  it('narrows with more texts: sampling alone gives a small split a larger ECE', () => {
    const small = calibratedEceInterval(model(300, 0, 1).confidences);
    const large = calibratedEceInterval(model(5000, 0, 1).confidences);
    expect(large.high).toBeLessThan(small.high / 2);
    expect(large.high).toBeLessThan(0.03);
    expect(small.low).toBeGreaterThan(0);
  });
});
