// Classification metrics for the evaluation script (npm run eval:model): pure functions over gold and
// predicted labels, no model, no I/O. Labels are the three sentiment classes; a binary corpus simply has no
// `neutral` gold rows, and a system that answers `neutral` on it is wrong on those rows.
import { SENTIMENT_LABELS, type SentimentLabel } from '../classifier.js';

export const CLASSES = SENTIMENT_LABELS;
export type PerClass<T> = Record<SentimentLabel, T>;

const classIndex = (label: SentimentLabel): number => {
  const i = CLASSES.indexOf(label);
  if (i < 0) throw new Error(`unknown label ${JSON.stringify(label)}`);
  return i;
};

function checkLengths(gold: readonly unknown[], other: readonly unknown[], what = 'predicted'): void {
  if (gold.length !== other.length) throw new Error(`gold has ${gold.length} labels, ${what} ${other.length}`);
}

/** 3×3 counts: rows gold, columns predicted, both in CLASSES order (negative, neutral, positive). */
export function confusionMatrix(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): number[][] {
  checkLengths(gold, predicted);
  const m = CLASSES.map(() => CLASSES.map(() => 0));
  gold.forEach((g, i) => m[classIndex(g)]![classIndex(predicted[i]!)]!++);
  return m;
}

/** Share of rows predicted right; NaN for no rows. */
export function accuracy(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): number {
  checkLengths(gold, predicted);
  return gold.filter((g, i) => g === predicted[i]).length / gold.length;
}

/** Recall of each class (right / gold rows of that class); null for a class with no gold rows. */
export function perClassRecall(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): PerClass<number | null> {
  const m = confusionMatrix(gold, predicted);
  const entries = CLASSES.map((c, i) => {
    const row = m[i]!.reduce((a, b) => a + b, 0);
    return [c, row === 0 ? null : m[i]![i]! / row] as const;
  });
  return Object.fromEntries(entries) as PerClass<number | null>;
}

/** Mean recall over the classes present in gold (balanced accuracy); NaN for no rows. */
export function macroRecall(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): number {
  return mean(Object.values(perClassRecall(gold, predicted)).filter((r): r is number => r !== null));
}

/** F1 of each class; null for a class with no gold rows. A class with gold rows but no right answers has F1 0. */
export function perClassF1(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): PerClass<number | null> {
  const m = confusionMatrix(gold, predicted);
  const entries = CLASSES.map((c, i) => {
    const tp = m[i]![i]!;
    const goldRows = m[i]!.reduce((a, b) => a + b, 0);
    const predictedRows = m.reduce((a, row) => a + row[i]!, 0);
    // F1 = 2tp / (2tp + fp + fn) = 2tp / (predicted rows + gold rows).
    return [c, goldRows === 0 ? null : (2 * tp) / (predictedRows + goldRows)] as const;
  });
  return Object.fromEntries(entries) as PerClass<number | null>;
}

/**
 * Mean F1 over the classes present in gold, like macroRecall. Wrong answers of a class absent from gold
 * (e.g. `neutral` on a binary corpus) still lower the recall, hence the F1, of the gold class they missed.
 */
export function macroF1(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): number {
  return mean(Object.values(perClassF1(gold, predicted)).filter((f): f is number => f !== null));
}

export interface CalibrationBin {
  /** [low, high); the last bin includes 1. */
  low: number;
  high: number;
  count: number;
  /** NaN for an empty bin. */
  meanConfidence: number;
  accuracy: number;
}

/**
 * `bins` equal-width bins over [0, 1] of the top-class confidence; a confidence c falls in bin
 * min(floor(c · bins), bins − 1), so 1 lands in the last bin and a boundary value in the upper bin.
 */
export function calibrationBins(confidences: readonly number[], correct: readonly boolean[], bins = 10): CalibrationBin[] {
  checkLengths(confidences, correct, 'correct');
  const sums = Array.from({ length: bins }, () => ({ count: 0, confidence: 0, right: 0 }));
  confidences.forEach((c, i) => {
    if (!(c >= 0 && c <= 1)) throw new Error(`confidence ${c} is not in [0, 1]`);
    const s = sums[Math.min(Math.floor(c * bins), bins - 1)]!;
    s.count++;
    s.confidence += c;
    if (correct[i]) s.right++;
  });
  return sums.map((s, b) => ({
    low: b / bins,
    high: (b + 1) / bins,
    count: s.count,
    meanConfidence: s.count ? s.confidence / s.count : NaN,
    accuracy: s.count ? s.right / s.count : NaN,
  }));
}

/** ECE = Σ_bins |bin|/n · |accuracy(bin) − mean confidence(bin)|, over 10 equal-width bins by default; NaN for no rows. */
export function expectedCalibrationError(confidences: readonly number[], correct: readonly boolean[], bins = 10): number {
  const n = confidences.length;
  if (n === 0) return NaN;
  return calibrationBins(confidences, correct, bins).reduce(
    (sum, b) => (b.count === 0 ? sum : sum + (b.count / n) * Math.abs(b.accuracy - b.meanConfidence)),
    0,
  );
}

export interface SystemScores {
  texts: number;
  accuracy: number;
  macroRecall: number;
  macroF1: number;
  recall: PerClass<number | null>;
  f1: PerClass<number | null>;
  /** Rows gold, columns predicted, CLASSES order. */
  confusion: number[][];
  /** Share of answers that were `neutral`. */
  neutralRate: number;
  /** null for a system without probabilities (word lists). */
  ece: number | null;
}

/**
 * Every figure for one system on one set of texts. `calibration`: the top-class confidence of each answer and
 * whether that top class was right (for models; omit for systems without probabilities).
 */
export function scoreSystem(
  gold: readonly SentimentLabel[],
  predicted: readonly SentimentLabel[],
  calibration?: { confidences: readonly number[]; correct: readonly boolean[] },
): SystemScores {
  return {
    texts: gold.length,
    accuracy: accuracy(gold, predicted),
    macroRecall: macroRecall(gold, predicted),
    macroF1: macroF1(gold, predicted),
    recall: perClassRecall(gold, predicted),
    f1: perClassF1(gold, predicted),
    confusion: confusionMatrix(gold, predicted),
    neutralRate: predicted.filter((p) => p === 'neutral').length / predicted.length,
    ece: calibration ? expectedCalibrationError(calibration.confidences, calibration.correct) : null,
  };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
