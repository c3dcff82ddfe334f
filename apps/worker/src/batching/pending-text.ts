import type { PredictionResult } from '@sentiment/queue';

/** A submit() call waiting for all its texts: settled once, by the last answer or the first failure. */
export interface Caller {
  results: PredictionResult[];
  remaining: number;
  settled: boolean;
  resolve(results: PredictionResult[]): void;
  reject(err: unknown): void;
}

/** One text between submit() and its answer. */
export interface PendingText {
  text: string;
  /** Someone waits on it (sync /predict, /batch): it overtakes bulk texts. */
  interactive: boolean;
  /** A shadow run's text: answered, never stored as a prediction row. */
  shadow: boolean;
  jobId: string;
  /** Item index in its job. */
  index: number;
  caller: Caller;
  /** Position in the caller's results. */
  slot: number;
  /** performance.now() when it joined the queue. */
  arrivedAt: number;
  /** Where the model's answer is cached (set when a cache is configured). */
  cacheKey?: string;
}
