// Percentile bootstrap intervals for the eval script: how far a figure measured on one dev split could move
// on another sample of the same size. Paired: every system is scored on the same resampled rows, so the
// interval of a difference (the model's margin over a word list) does not count twice the rows both got
// right or wrong together. Written here, not taken from npm: a few lines over the project's seeded PRNG.
import { mulberry32 } from '../training/prng.js';
import { expectedCalibrationError } from './metrics.js';

/** Resamples drawn unless told otherwise. */
export const DEFAULT_RESAMPLES = 1000;

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  /** Resamples drawn; default DEFAULT_RESAMPLES. */
  resamples?: number;
  /** Share of the resampled values inside the interval; default 0.95. */
  level?: number;
  /** Default 1: the same rows are drawn on every run, so reports repeat. */
  seed?: number;
}

/**
 * `statistic` evaluated on `resamples` resamples (with replacement) of the rows 0 … n − 1, and the central
 * `level` share of its values (percentile interval). A resample on which the statistic is NaN (e.g. no rows
 * of any gold class) counts as neither low nor high: it is dropped.
 */
export function bootstrapInterval(n: number, statistic: (rows: Uint32Array) => number, { resamples = DEFAULT_RESAMPLES, level = 0.95, seed = 1 }: BootstrapOptions = {}): Interval {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`bootstrap needs at least one row, got ${n}`);
  const random = mulberry32(seed);
  const rows = new Uint32Array(n);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) rows[i] = Math.floor(random() * n);
    values.push(statistic(rows));
  }
  return centralInterval(values, level);
}

/**
 * The ECE a perfectly calibrated model would show on these texts: each resample keeps the confidences and
 * draws every answer right with probability equal to its confidence (consistency resampling), so the
 * interval is the ECE that sampling alone gives at this size. A measured ECE inside it is no evidence of
 * miscalibration; one above it is.
 */
export function calibratedEceInterval(confidences: readonly number[], { resamples = DEFAULT_RESAMPLES, level = 0.95, seed = 1 }: BootstrapOptions = {}): Interval {
  if (confidences.length === 0) throw new Error('calibratedEceInterval needs at least one confidence');
  const random = mulberry32(seed);
  const correct = new Array<boolean>(confidences.length);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < confidences.length; i++) correct[i] = random() < confidences[i]!;
    values.push(expectedCalibrationError(confidences, correct));
  }
  return centralInterval(values, level);
}

/** The central `level` share of the values, NaNs dropped. */
function centralInterval(values: number[], level: number): Interval {
  if (!(level > 0 && level < 1)) throw new Error(`level ${level} is not in (0, 1)`);
  const defined = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (defined.length === 0) return { low: NaN, high: NaN };
  const tail = (1 - level) / 2;
  return { low: quantile(defined, tail), high: quantile(defined, 1 - tail) };
}

/** `values` at the resampled rows. */
export function pick<T>(values: readonly T[], rows: Uint32Array): T[] {
  return Array.from(rows, (i) => values[i]!);
}

/** Linear interpolation between the sorted values around position q · (length − 1). */
function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}
