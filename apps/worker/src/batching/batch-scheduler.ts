import { performance } from 'node:perf_hooks';
import { Fifo } from '../fifo.js';
import type { PendingText } from './pending-text.js';

/** Where a batch runs: the interactive lane's own threads, or the bulk lane's (interactive texts may use both). */
export type Lane = 'interactive' | 'bulk';
const LANES: readonly Lane[] = ['interactive', 'bulk'];

export interface SchedulerOptions {
  /** Texts per batch. */
  maxBatchSize: number;
  /** While a lane is predicting, a partial batch for it is dispatched this long after its first text arrived. */
  maxWaitMs: number;
  /** Bulk-lane batches predicted at once: one per inference thread, so no thread idles while the next fills. */
  maxInflight: number;
  /** Interactive-lane batches predicted at once: its threads, which take interactive texts only. 0: no such lane. */
  interactiveInflight?: number;
  /**
   * With a backlog of at least two full batches, up to this many full batches are taken from the head
   * of the bulk queue at once, sorted by text length and cut into batches: a batch is padded to its
   * longest text, so similar lengths waste less of the model's work. 1 (the default): FIFO batches.
   */
  sortWindow?: number;
}

/**
 * Decides when and which texts form the next batch, and where it runs (like Triton's dynamic batcher
 * with priority levels and instance groups). A batch is dispatched when full, when its lane is idle, or
 * maxWaitMs after its first text arrived. Interactive texts (someone waits for them) never wait behind a
 * bulk text: they take the interactive lane (threads of their own) or the next free bulk slot, before any
 * bulk text. A batch holds one kind only: on a CPU a batch costs in proportion to its texts, so bulk
 * texts riding along would only delay the interactive answers. `predict` runs a batch and resolves once
 * its inference slot is free (writing the rows may go on after).
 */
export class BatchScheduler {
  private readonly urgent = new Fifo<PendingText>();
  private readonly bulk = new Fifo<PendingText>();
  /** Batches cut from one sorted window, dispatched before anything behind them in the bulk queue. */
  private readonly ready: PendingText[][] = [];
  private readonly inflight: Record<Lane, number> = { interactive: 0, bulk: 0 };
  private wake: { kind: 'idle' | 'wait'; cancel(): void } | undefined;
  /** Set while a wake-up dispatches the partial batch it was armed for. */
  private force = false;

  constructor(
    private readonly opts: SchedulerOptions,
    private readonly predict: (batch: PendingText[], lane: Lane) => Promise<void>,
    /** Called whenever the scheduler may have become idle. */
    private readonly onSettle: () => void,
  ) {}

  /** Texts waiting for a batch (sorted windows included). */
  get queued(): number {
    return this.urgent.size + this.bulk.size + this.ready.reduce((n, b) => n + b.length, 0);
  }

  /** Nothing queued and nothing being predicted. */
  get idle(): boolean {
    return this.queued === 0 && this.inflight.interactive === 0 && this.inflight.bulk === 0;
  }

  /** Queues texts of one submission (all interactive or all bulk). */
  enqueue(texts: PendingText[]): void {
    const arrivedAt = performance.now();
    for (const t of texts) t.arrivedAt = arrivedAt;
    (texts[0]!.interactive ? this.urgent : this.bulk).pushAll(texts);
    this.pump();
  }

  private slots(lane: Lane): number {
    return lane === 'bulk' ? this.opts.maxInflight : (this.opts.interactiveInflight ?? 0);
  }

  private pump(): void {
    for (let dispatched = true; dispatched; ) {
      dispatched = false;
      for (const lane of LANES) {
        if (this.inflight[lane] >= this.slots(lane)) continue;
        const batch = this.take(lane);
        if (!batch) continue;
        void this.dispatch(batch, lane);
        dispatched = true;
        break;
      }
    }
    this.onSettle();
  }

  private async dispatch(batch: PendingText[], lane: Lane): Promise<void> {
    this.inflight[lane]++;
    try {
      await this.predict(batch, lane);
    } finally {
      this.inflight[lane]--;
      this.pump();
    }
  }

  /** The next batch for a free slot of `lane`, or nothing (nothing to take, or a partial batch left to fill). */
  private take(lane: Lane): PendingText[] | undefined {
    const { maxBatchSize, maxWaitMs } = this.opts;
    const interactive = lane === 'interactive' || this.urgent.size > 0;
    if (!interactive && this.ready.length > 0) return this.ready.shift();
    const queue = interactive ? this.urgent : this.bulk;
    if (queue.size === 0) return undefined;
    const waited = performance.now() - queue.peek()!.arrivedAt;
    if (!this.force && queue.size < maxBatchSize && waited < maxWaitMs) {
      this.armWake(waited, lane);
      return undefined;
    }
    this.force = false;
    return interactive ? this.urgent.take(maxBatchSize) : this.bulkBatch();
  }

  private bulkBatch(): PendingText[] {
    const { maxBatchSize } = this.opts;
    const full = Math.min(this.opts.sortWindow ?? 1, Math.floor(this.bulk.size / maxBatchSize));
    if (full < 2) return this.bulk.take(maxBatchSize);
    const window = this.bulk.take(full * maxBatchSize).sort((a, b) => a.text.length - b.text.length);
    for (let i = 0; i < window.length; i += maxBatchSize) this.ready.push(window.slice(i, i + maxBatchSize));
    return this.ready.shift()!;
  }

  // An idle lane takes a partial batch on the next turn of the event loop (texts submitted together
  // still share it, and a lone request never pays the batching delay); while a lane is predicting, its
  // next batch gets up to maxWaitMs to fill.
  private armWake(waited: number, lane: Lane): void {
    const kind = this.inflight[lane] === 0 ? 'idle' : 'wait';
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
