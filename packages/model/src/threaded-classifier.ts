// A Classifier whose tokenization and inference run in worker threads, keeping the caller's event loop free.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Classifier, ClassifierInfo, Classification } from './classifier.js';
import type { ClassifierOptions } from './load-classifier.js';
import { ModelLoadError } from './model-load-error.js';
import { workerEntry } from './runtime/worker-loader.js';
import type { FromWorker, ToWorker, WorkerSetup } from './runtime/worker-protocol.js';

export type ThreadedClassifierOptions = ClassifierOptions & {
  /** Worker threads, each with its own tokenizer and ONNX session (e.g. one per core). */
  threads: number;
  /**
   * Nice value of the threads (0–19; default 0, unchanged): above 0, event loops sharing the machine
   * run before inference whenever they have work (@sentiment/core thread-priority.ts).
   */
  niceness?: number;
  /** V8 limits of each thread (default: YOUNG_GENERATION_MB); a thread that exceeds them dies and is replaced. */
  resourceLimits?: ResourceLimits;
  /** Told when a thread died (the texts it held fail with `reason`) and a new one is starting in its place. */
  onRestart?: (reason: Error) => void;
};

/**
 * V8's young generation per thread. By default it grows to tens of MiB under load, and tokenizing keeps
 * filling it; a small one is scavenged more often, at no measured cost in texts/s, and keeps each busy
 * thread smaller (docs/benchmarks.md, "Memory").
 */
const YOUNG_GENERATION_MB = 4;

/** A dead thread is replaced this long after it died; doubled, up to RESTART_DELAY_MAX_MS, while replacements keep failing to load. */
const RESTART_DELAY_MS = 1000;
const RESTART_DELAY_MAX_MS = 30_000;

interface Pending {
  resolve(predictions: Classification[]): void;
  reject(error: Error): void;
  size: number;
}

class ClassifierThread {
  readonly ready: Promise<ClassifierInfo>;
  /** Texts sent and not yet answered: the load measure for dispatch. */
  queuedTexts = 0;
  loaded = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private onDeath: ((error: Error) => void) | undefined;

  constructor(options: ClassifierOptions, niceness: number, resourceLimits: ResourceLimits | undefined) {
    const setup: WorkerSetup = { kind: 'sentiment-classifier', options, niceness };
    this.worker = new Worker(workerEntry(), { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, ...resourceLimits } });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          this.loaded = true;
          resolve(message.info);
        }
        else if (message.type === 'load-error') {
          reject(message.where && message.problem ? new ModelLoadError(message.where, message.problem) : new Error(message.message));
        } else this.settle(message);
      });
      const die = (error: Error) => {
        if (this.failure) return;
        this.failure = error;
        this.onDeath?.(error);
        reject(error);
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
        this.queuedTexts = 0;
      };
      this.worker.on('error', (error) => die(new Error(`classifier thread crashed: ${error.message}`, { cause: error })));
      this.worker.on('exit', (code) => die(new Error(`classifier thread exited (code ${code})`)));
    });
    this.ready.catch(() => {}); // observed by the caller via Promise.all; avoid an unhandled rejection here
  }

  get alive(): boolean {
    return this.failure === undefined;
  }

  /** Calls `callback` once, when the thread dies or fails to load (at once if it already has). */
  whenDead(callback: (error: Error) => void): void {
    if (this.failure) callback(this.failure);
    else this.onDeath = callback;
  }

  predict(texts: string[]): Promise<Classification[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    this.queuedTexts += texts.length;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, size: texts.length });
      this.worker.postMessage({ type: 'predict', id, texts } satisfies ToWorker);
    });
  }

  private settle(message: Extract<FromWorker, { id: number }>): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    this.queuedTexts -= pending.size;
    if (message.type === 'result') pending.resolve(message.predictions);
    else pending.reject(new Error(message.message));
  }

  /** Lets the thread release its ONNX session and exit; terminates it if it does not within a few seconds. */
  async close(): Promise<void> {
    if (this.failure) return void (await this.worker.terminate());
    this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 5000, 'timeout').unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') await this.worker.terminate();
  }
}

export async function createThreadedClassifier(options: ThreadedClassifierOptions): Promise<Classifier> {
  const { threads: count, niceness = 0, resourceLimits, onRestart, ...classifierOptions } = options;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`threads must be a positive integer, got ${count}`);
  if (!Number.isInteger(niceness) || niceness < 0 || niceness > 19) throw new RangeError(`niceness must be an integer from 0 to 19, got ${niceness}`);
  const startThread = () => new ClassifierThread(classifierOptions, niceness, resourceLimits);
  const threads = Array.from({ length: count }, startThread);
  let info: ClassifierInfo;
  try {
    [info] = (await Promise.all(threads.map((t) => t.ready))) as [ClassifierInfo];
  } catch (error) {
    await Promise.all(threads.map((t) => t.close()));
    throw error;
  }
  let closed = false;
  const restarts = new Set<NodeJS.Timeout>();
  // A thread that dies (a crash, a V8 limit) is replaced after a pause, so a model never runs out of threads
  // for good; the texts it held fail, and the jobs' retries send them again.
  const restartsSinceLoad = threads.map(() => 0);
  const replaceWhenDead = (slot: number) => {
    threads[slot]!.whenDead((reason) => {
      if (closed) return;
      const delay = Math.min(RESTART_DELAY_MS * 2 ** restartsSinceLoad[slot]!, RESTART_DELAY_MAX_MS);
      const timer = setTimeout(() => {
        restarts.delete(timer);
        if (closed) return;
        onRestart?.(reason);
        const thread = (threads[slot] = startThread());
        restartsSinceLoad[slot]!++;
        thread.ready.then(() => (restartsSinceLoad[slot] = 0), () => undefined);
        replaceWhenDead(slot);
      }, delay).unref();
      restarts.add(timer);
    });
  };
  threads.forEach((_, slot) => replaceWhenDead(slot));
  return {
    info,
    async predict(texts) {
      if (closed) throw new Error(`classifier ${info.version} is closed`);
      if (texts.length === 0) return [];
      const live = threads.filter((t) => t.alive);
      if (live.length === 0) throw new Error(`classifier ${info.version}: all its threads have died; new ones are starting`);
      // A thread still loading answers only once loaded: it gets texts only when no loaded thread is left.
      const loaded = live.filter((t) => t.loaded);
      const target = (loaded.length > 0 ? loaded : live).reduce((best, t) => (t.queuedTexts < best.queuedTexts ? t : best));
      return target.predict(texts);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of restarts) clearTimeout(timer);
      await Promise.all(threads.map((t) => t.close()));
    },
  };
}
