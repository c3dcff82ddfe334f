import { performance } from 'node:perf_hooks';
import { Fifo } from '../fifo.js';
import type { PendingText } from './pending-text.js';

export interface SchedulerOptions {
  /** Texts per batch. */
  maxBatchSize: number;
  /** While a batch is being predicted, a partial batch is dispatched this long after its first text arrived. */
  maxWaitMs: number;
  /** Batches predicted at once: one per inference thread, so no thread idles while the next fills. */
  maxInflight: number;
  /**
   * With a backlog of at least two full batches, up to this many full batches are taken from the head
   * of the bulk queue at once, sorted by text length and cut into batches: a batch is padded to its
   * longest text, so similar lengths waste less of the model's work. 1 (the default): FIFO batches.
   */
  sortWindow?: number;
}

/**
 * Decides when and which texts form the next batch (like Triton's dynamic batcher): a batch is
 * dispatched when full, when the model is idle, or maxWaitMs after its first text arrived. Two queues,
 * as Triton's priority levels: interactive texts go into the next batch before any bulk text, however
 * many bulk texts wait, and bulk texts fill what room is left. `predict` runs a batch and resolves once
 * its inference slot is free (writing the rows may go on after).
 */
export class BatchScheduler {
  private readonly urgent = new Fifo<PendingText>();
  private readonly bulk = new Fifo<PendingText>();
  /** Batches cut from one sorted window, dispatched before anything behind them in the queue. */
  private readonly ready: PendingText[][] = [];
  private inflight = 0;
  private wake: { kind: 'idle' | 'wait'; cancel(): void } | undefined;
  /** Set while a wake-up dispatches the partial batch it was armed for. */
  private force = false;

  constructor(
    private readonly opts: SchedulerOptions,
    private readonly predict: (batch: PendingText[]) => Promise<void>,
    /** Called whenever the scheduler may have become idle. */
    private readonly onSettle: () => void,
  ) {}

  /** Texts waiting for a batch (sorted windows included). */
  get queued(): number {
    return this.urgent.size + this.bulk.size + this.ready.reduce((n, b) => n + b.length, 0);
  }

  /** Nothing queued and nothing being predicted. */
  get idle(): boolean {
    return this.urgent.size + this.bulk.size === 0 && this.ready.length === 0 && this.inflight === 0;
  }

  /** Queues texts of one submission (all interactive or all bulk). */
  enqueue(texts: PendingText[]): void {
    const arrivedAt = performance.now();
    for (const t of texts) t.arrivedAt = arrivedAt;
    (texts[0]!.interactive ? this.urgent : this.bulk).pushAll(texts);
    this.pump();
  }

  private pump(): void {
    while (this.inflight < this.opts.maxInflight && (this.ready.length > 0 || this.urgent.size + this.bulk.size > 0)) {
      if (this.ready.length === 0) {
        const waited = performance.now() - (this.urgent.peek() ?? this.bulk.peek())!.arrivedAt;
        if (!this.force && this.urgent.size + this.bulk.size < this.opts.maxBatchSize && waited < this.opts.maxWaitMs) {
          this.armWake(waited);
          return;
        }
      }
      this.force = false;
      void this.dispatch(this.nextBatch());
    }
    this.onSettle();
  }

  private async dispatch(batch: PendingText[]): Promise<void> {
    this.inflight++;
    try {
      await this.predict(batch);
    } finally {
      this.inflight--;
      this.pump();
    }
  }

  private nextBatch(): PendingText[] {
    const { maxBatchSize } = this.opts;
    if (this.urgent.size > 0) {
      const batch = this.urgent.take(maxBatchSize);
      // The rest of the batch is bulk work: a batch costs about the same full or not.
      const room = maxBatchSize - batch.length;
      if (room > 0) {
        const filler = this.ready.length > 0 ? this.ready.shift()! : this.bulk.take(room);
        if (filler.length > room) this.ready.unshift(filler.splice(room));
        batch.push(...filler);
      }
      return batch;
    }
    if (this.ready.length > 0) return this.ready.shift()!;
    const full = Math.min(this.opts.sortWindow ?? 1, Math.floor(this.bulk.size / maxBatchSize));
    if (full < 2) return this.bulk.take(maxBatchSize);
    const window = this.bulk.take(full * maxBatchSize).sort((a, b) => a.text.length - b.text.length);
    for (let i = 0; i < window.length; i += maxBatchSize) this.ready.push(window.slice(i, i + maxBatchSize));
    return this.ready.shift()!;
  }

  // An idle model takes a partial batch on the next turn of the event loop (texts submitted together
  // still share it, and a lone request never pays the batching delay); while a batch is being
  // predicted, the next one gets up to maxWaitMs to fill.
  private armWake(waited: number): void {
    const kind = this.inflight === 0 ? 'idle' : 'wait';
    if (this.wake && (this.wake.kind === kind || this.wake.kind === 'idle')) return;
    this.wake?.cancel();
    const release = () => {
      this.wake = undefined;
      this.force = true;
      this.pump();
      this.force = false;
    };
    if (kind === 'idle') {
      const handle = setImmediate(release);
      this.wake = { kind, cancel: () => clearImmediate(handle) };
    } else {
      const handle = setTimeout(release, this.opts.maxWaitMs - waited);
      this.wake = { kind, cancel: () => clearTimeout(handle) };
    }
  }
}
