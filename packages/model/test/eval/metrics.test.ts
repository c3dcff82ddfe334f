// Hand-computed examples for the evaluation metrics.
import { describe, expect, it } from 'vitest';
import type { SentimentLabel } from '../../src/classifier.js';
import {
  accuracy,
  calibrationBins,
  confusionMatrix,
  expectedCalibrationError,
  macroF1,
  macroRecall,
  perClassF1,
  perClassRecall,
  scoreSystem,
} from '../../src/eval/metrics.js';

const NEG: SentimentLabel = 'negative';
const NEU: SentimentLabel = 'neutral';
const POS: SentimentLabel = 'positive';

// 3 negative, 2 neutral, 5 positive gold rows.
const gold = [NEG, NEG, NEG, NEU, NEU, POS, POS, POS, POS, POS];
const predicted = [NEG, NEG, POS, NEU, NEG, POS, POS, POS, NEU, NEG];

describe('three-class metrics', () => {
  it('confusion matrix: rows gold, columns predicted', () => {
    expect(confusionMatrix(gold, predicted)).toEqual([
      [2, 0, 1], // gold negative
      [1, 1, 0], // gold neutral
      [1, 1, 3], // gold positive
    ]);
  });

  it('accuracy', () => {
    expect(accuracy(gold, predicted)).toBe(0.6); // (2 + 1 + 3) / 10
  });

  it('per-class and macro recall', () => {
    const r = perClassRecall(gold, predicted);
    expect(r.negative).toBeCloseTo(2 / 3, 12);
    expect(r.neutral).toBeCloseTo(1 / 2, 12);
    expect(r.positive).toBeCloseTo(3 / 5, 12);
    expect(macroRecall(gold, predicted)).toBeCloseTo(53 / 90, 12); // (2/3 + 1/2 + 3/5) / 3
  });

  it('per-class and macro F1', () => {
    // negative: tp 2, 4 predicted, 3 gold → 4/7; neutral: 1, 2, 2 → 1/2; positive: 3, 4, 5 → 6/9.
    const f = perClassF1(gold, predicted);
    expect(f.negative).toBeCloseTo(4 / 7, 12);
    expect(f.neutral).toBeCloseTo(1 / 2, 12);
    expect(f.positive).toBeCloseTo(2 / 3, 12);
    expect(macroF1(gold, predicted)).toBeCloseTo(73 / 126, 12);
  });

  it('all right: every figure is 1', () => {
    expect(accuracy(gold, gold)).toBe(1);
    expect(macroRecall(gold, gold)).toBe(1);
    expect(macroF1(gold, gold)).toBe(1);
  });

  it('rejects mismatched lengths', () => {
    expect(() => accuracy(gold, predicted.slice(1))).toThrow(/10 labels, predicted 9/);
  });
});

describe('binary gold (no neutral rows)', () => {
  const binGold = [NEG, NEG, POS, POS];
  const binPredicted = [NEG, NEU, POS, POS];

  it('a neutral answer counts as wrong and neutral is left out of the macro means', () => {
    expect(accuracy(binGold, binPredicted)).toBe(0.75);
    expect(perClassRecall(binGold, binPredicted)).toEqual({ negative: 0.5, neutral: null, positive: 1 });
    expect(macroRecall(binGold, binPredicted)).toBe(0.75);
    // negative: tp 1, 1 predicted, 2 gold → 2/3; positive: tp 2, 2 predicted, 2 gold → 1.
    expect(macroF1(binGold, binPredicted)).toBeCloseTo(5 / 6, 12);
    expect(confusionMatrix(binGold, binPredicted)).toEqual([
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 2],
    ]);
  });

  it('scoreSystem gathers the figures; no calibration input → ece null', () => {
    const s = scoreSystem(binGold, binPredicted);
    expect(s.texts).toBe(4);
    expect(s.neutralRate).toBe(0.25);
    expect(s.ece).toBeNull();
    expect(s.macroRecall).toBe(0.75);
  });
});

describe('expected calibration error', () => {
  const confidences = [0.95, 0.9, 0.62, 0.55, 0.58, 1.0];
  const correct = [true, false, true, true, false, true];

  it('bins by top-class confidence, 1 in the last bin', () => {
    const bins = calibrationBins(confidences, correct);
    expect(bins).toHaveLength(10);
    expect(bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 2, 1, 0, 0, 3]);
    expect(bins[9]!.meanConfidence).toBeCloseTo(0.95, 12);
    expect(bins[9]!.accuracy).toBeCloseTo(2 / 3, 12);
    expect(bins[5]!.meanConfidence).toBeCloseTo(0.565, 12);
    expect(bins[0]!.accuracy).toBeNaN();
  });

  it('weights each bin by its share of texts', () => {
    // bin 0.9–1: 3/6 · |2/3 − 0.95|; bin 0.6–0.7: 1/6 · |1 − 0.62|; bin 0.5–0.6: 2/6 · |1/2 − 0.565|
    // = (0.85 + 0.38 + 0.13) / 6
    expect(expectedCalibrationError(confidences, correct)).toBeCloseTo(1.36 / 6, 12);
    expect(scoreSystem([POS, NEG], [POS, POS], { confidences: [0.8, 0.8], correct: [true, false] }).ece).toBeCloseTo(0.3, 12);
  });

  it('is 0 when confidence matches accuracy in every bin', () => {
    const c = Array<number>(10).fill(0.8);
    const ok = [true, true, true, true, true, true, true, true, false, false];
    expect(expectedCalibrationError(c, ok)).toBeCloseTo(0, 12);
  });

  it('rejects confidences outside [0, 1]', () => {
    expect(() => expectedCalibrationError([1.2], [true])).toThrow(/not in \[0, 1\]/);
  });
});
