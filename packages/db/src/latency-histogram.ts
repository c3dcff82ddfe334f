import type { LatencyStats } from '@sentiment/contract/analytics';

/**
 * Latency histogram bins: 8 log-spaced bins per doubling from 2^-6 ms to 2^17 ms, plus one bin below
 * (down to 0) and one above. Bin b (1..184) holds [MIN · 2^((b-1)/8), MIN · 2^(b/8)).
 *
 * Postgres computes the bin with the function `prediction_latency_bin(double precision)` created by
 * Migration20261127120000 (with these same constants): change one, and a new migration must replace the
 * function and rebuild prediction_latency_rollup.
 */
export const LATENCY_BINS_PER_DOUBLING = 8;
export const LATENCY_HISTOGRAM_MIN_MS = 2 ** -6;
export const LATENCY_HISTOGRAM_MAX_MS = 2 ** 17;
/** Last bin: latencies at or above LATENCY_HISTOGRAM_MAX_MS. */
export const LATENCY_OVERFLOW_BIN = 1 + Math.log2(LATENCY_HISTOGRAM_MAX_MS / LATENCY_HISTOGRAM_MIN_MS) * LATENCY_BINS_PER_DOUBLING;

const BIN_RATIO = 2 ** (1 / LATENCY_BINS_PER_DOUBLING);
/** Largest ratio between a bin's reported value (its geometric middle) and any value inside it. */
export const LATENCY_RELATIVE_ERROR = Math.sqrt(BIN_RATIO) - 1;

const pct = (x: number, digits: number) => `${(x * 100).toFixed(digits)}%`;

/** What the latency endpoint states about its percentiles. */
export const LATENCY_RESOLUTION =
  `p50/p95/p99 come from a histogram with ${LATENCY_BINS_PER_DOUBLING} log-spaced bins per doubling (each ${pct(BIN_RATIO - 1, 1)} wide): ` +
  `each is within ±${pct(LATENCY_RELATIVE_ERROR, 1)} of the latency at that rank (the nearest-rank percentile), ` +
  `or within ${LATENCY_HISTOGRAM_MIN_MS / 2} ms of it below ${LATENCY_HISTOGRAM_MIN_MS} ms; count and max_ms are exact`;

/** Lifts values exactly on a bin edge (1 ms, 2 ms, ...), which float ln() puts a hair below it, into their bin. */
const EDGE_EPSILON = 1e-9;

/** The bin of one latency, as the SQL function computes it. */
export function latencyBin(ms: number): number {
  if (ms < LATENCY_HISTOGRAM_MIN_MS) return 0;
  if (!(ms < LATENCY_HISTOGRAM_MAX_MS)) return LATENCY_OVERFLOW_BIN;
  return 1 + Math.floor(Math.log(ms / LATENCY_HISTOGRAM_MIN_MS) * (LATENCY_BINS_PER_DOUBLING / Math.LN2) + EDGE_EPSILON);
}

/** The value reported for a bin: its geometric middle (half the lower bound for the first bin). */
export function binValue(bin: number): number {
  if (bin <= 0) return LATENCY_HISTOGRAM_MIN_MS / 2;
  return LATENCY_HISTOGRAM_MIN_MS * BIN_RATIO ** (bin - 0.5);
}

/** The latency answer's figures (LatencyStats of the HTTP contract), all but `resolution`. */
export type LatencyPercentiles = Omit<LatencyStats, 'resolution'>;

/**
 * Nearest-rank percentiles (the value of the ceil(p·n)-th smallest latency, like percentile_disc) from
 * bin counts. Never above the exact maximum, which also answers for the overflow bin.
 */
export function percentilesFromBins(bins: ReadonlyMap<number, number>, maxMs: number | null): LatencyPercentiles {
  const sorted = [...bins].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const count = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (count === 0 || maxMs === null) return { count, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null };
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil(p * count));
    let seen = 0;
    for (const [bin, n] of sorted) {
      seen += n;
      if (seen >= rank) return bin >= LATENCY_OVERFLOW_BIN ? maxMs : Math.min(binValue(bin), maxMs);
    }
    return maxMs;
  };
  return { count, p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99), max_ms: maxMs };
}
