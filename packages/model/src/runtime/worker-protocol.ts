// Messages between createThreadedClassifier and its worker threads: strings in, small results out.
import type { ClassifierInfo, Classification } from '../classifier.js';
import type { ClassifierOptions } from '../load-classifier.js';

export interface WorkerSetup {
  kind: 'sentiment-classifier';
  options: ClassifierOptions;
  /** Nice value the thread gives itself before loading the model (0: unchanged). */
  niceness: number;
}

export type ToWorker = { type: 'predict'; id: number; texts: string[] } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; info: ClassifierInfo }
  /** Load failed; `where`/`problem` are set when it was a ModelLoadError, so it can be rebuilt as one. */
  | { type: 'load-error'; message: string; where?: string; problem?: string }
  | { type: 'result'; id: number; predictions: Classification[] }
  | { type: 'error'; id: number; message: string };
