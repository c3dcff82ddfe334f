import { PermanentWriteError, type NewPrediction, type PredictionWriter } from '@sentiment/db/threaded';
import { JobName, PERSIST_QUEUE, persistJobOptions, type PersistJobData } from '@sentiment/queue';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { toQueueRow } from './rows.js';

export interface RowSink {
  /**
   * Resolves once the rows are durable: in Postgres, or parked in Redis for the persist worker.
   * `interactive`: someone waits on these rows; they are flushed ahead of bulk rows (see createRowSink).
   */
  write(rows: NewPrediction[], options?: { interactive?: boolean }): Promise<void>;
}

type Lane = 'interactive' | 'bulk';

interface Waiting {
  rows: NewPrediction[];
  /** Date.now() when written. */
  since: number;
  resolve(): void;
  reject(err: unknown): void;
}

export interface RowSinkDeps {
  /** Writes bulk rows (and interactive ones too, without an interactiveWriter). */
  writer: PredictionWriter;
  /**
   * Writes the interactive groups, so they never wait behind a bulk flush inside one writer (a writer
   * thread runs one flush's CPU work at a time). Default: `writer`.
   */
  interactiveWriter?: PredictionWriter;
  /** The persist queue; rows wait there while Postgres is unreachable. */
  persistQueue: Pick<Queue<PersistJobData>, 'add'>;
  logger: Logger;
  /**
   * After a failed write, batches skip Postgres for this long and go straight to the persist queue,
   * so an unreachable host (connect timeouts) does not stall every batch. Default 5 s.
   */
  retryDbAfterMs?: number;
  /** Called when a write succeeds after an outage (main promotes the persist jobs waiting on backoff). */
  onRecovered?: () => void;
  /** Flushes in flight at once; further batches wait and are written together. Default 2. */
  maxConcurrentFlushes?: number;
  /** Rows one flush may carry when it gathers waiting batches. Default 2,000 (bulk rows: a quarter, see below). */
  maxRowsPerFlush?: number;
  /**
   * A flush without an answer after this counts as an outage and its rows are parked (a hung Postgres
   * answers nothing and fails nothing). Should the late insert land after all, the persist job's insert
   * skips the rows it finds: nothing is stored twice. Default 1,000 ms, far above a normal flush.
   */
  flushTimeoutMs?: number;
  /**
   * A bulk flush waits until a full bulk group (a quarter of maxRowsPerFlush) is waiting or its oldest
   * rows have waited this long: fewer, larger flushes (each costs a transaction, its locks and a lookup
   * whatever its size). Interactive rows never wait. Default 0.
   */
  bulkLingerMs?: number;
}

class FlushTimeoutError extends Error {
  constructor(ms: number) {
    super(`Postgres did not answer a flush within ${ms} ms`);
    this.name = 'FlushTimeoutError';
  }
}

/** `promise`, or a FlushTimeoutError after `ms`. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FlushTimeoutError(ms)), ms);
  });
  promise.catch(() => undefined); // a late failure after the timeout is not unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Writes micro-batches with one insertMany each, group-commit style: batches that finish while
 * `maxConcurrentFlushes` flushes are running are written together by the next one, so a flush never
 * carries less than one micro-batch and under load carries several. If Postgres fails, the rows are
 * parked in Redis as ONE persist job per flush instead of failing the predictions; logged once per outage.
 * Interactive rows (someone waits on them) go first: bulk rows never take the last free flush slot and
 * flush in smaller groups. A write Postgres refuses for good (PermanentWriteError: value too long, missing table, constraint) is not
 * an outage: it is never parked, and only the batches whose rows were refused fail.
 */
export function createRowSink({
  writer,
  interactiveWriter = writer,
  persistQueue,
  logger,
  retryDbAfterMs = 5000,
  onRecovered,
  maxConcurrentFlushes = 2,
  maxRowsPerFlush = 2000,
  flushTimeoutMs = 1000,
  bulkLingerMs = 0,
}: RowSinkDeps): RowSink {
  let outage: { since: number; retryAt: number; parkedRows: number } | undefined;
  const urgent: Waiting[] = [];
  const bulk: Waiting[] = [];
  let flushing = 0;
  let bulkFlushing = 0;
  let bulkRows = 0;
  let lingerTimer: NodeJS.Timeout | undefined;
  // Bulk flushes are smaller and never take the last free slot: interactive rows wait for at most one
  // short bulk flush (whose rollup rows they may need to lock), not for two of the largest.
  const maxBulkRows = Math.max(1, Math.floor(maxRowsPerFlush / 4));
  const maxBulkFlushes = Math.max(1, maxConcurrentFlushes - 1);

  async function park(rows: NewPrediction[]): Promise<void> {
    // If Redis fails too, this throws: the callers' jobs fail and BullMQ retries them.
    await persistQueue.add(JobName.persist, { rows: rows.map(toQueueRow) }, persistJobOptions());
    if (outage) outage.parkedRows += rows.length;
  }

  async function writeOrPark(rows: NewPrediction[], lane: Lane): Promise<void> {
    if (outage && Date.now() < outage.retryAt) return park(rows);
    try {
      await withinMs((lane === 'interactive' ? interactiveWriter : writer).insertMany(rows), flushTimeoutMs);
    } catch (err) {
      if (err instanceof PermanentWriteError) throw err;
      if (!outage) {
        logger.error(
          { err, queue: PERSIST_QUEUE },
          'prediction writes failed (is Postgres up? `docker compose up -d postgres`); parking rows in the persist queue until it is back',
        );
        outage = { since: Date.now(), retryAt: 0, parkedRows: 0 };
      }
      outage.retryAt = Date.now() + retryDbAfterMs;
      return park(rows);
    }
    if (outage) {
      logger.info(
        { downForMs: Date.now() - outage.since, parkedRows: outage.parkedRows },
        'prediction writes recovered; the persist worker drains the parked rows',
      );
      outage = undefined;
      onRecovered?.();
    }
  }

  // Logged at error level once per kind of refusal and then at most every 10 s, with the rows refused since.
  let lastRejection: { key: string; at: number; rows: number } | undefined;
  function rejected(err: PermanentWriteError, rows: number): void {
    const key = `${err.code}|${err.column ?? ''}|${err.constraint ?? ''}`;
    const now = Date.now();
    if (lastRejection?.key === key && now - lastRejection.at < 10_000) {
      lastRejection.rows += rows;
      return;
    }
    logger.error(
      { err, code: err.code, column: err.column, table: err.table, constraint: err.constraint, rows: rows + (lastRejection?.key === key ? lastRejection.rows : 0) },
      'Postgres refused prediction rows for good; their jobs fail (fix the schema or the data, then retry the failed jobs in Bull Board)',
    );
    lastRejection = { key, at: now, rows: 0 };
  }

  async function writeGroup(group: Waiting[], lane: Lane): Promise<void> {
    try {
      await writeOrPark(group.flatMap((g) => g.rows), lane);
      group.forEach((g) => g.resolve());
    } catch (err) {
      if (err instanceof PermanentWriteError && group.length > 1) {
        // Alone, each batch passes or fails on its own rows: one bad batch fails only its own callers.
        for (const g of group) await writeGroup([g], lane);
        return;
      }
      if (err instanceof PermanentWriteError) rejected(err, group[0]!.rows.length);
      group.forEach((g) => g.reject(err));
    }
  }

  /** Batches from the head of `from`, up to `maxRows` rows (at least one batch). */
  function takeGroup(from: Waiting[], maxRows: number): Waiting[] {
    const group = [from.shift()!];
    let rows = group[0]!.rows.length;
    while (from.length > 0 && rows + from[0]!.rows.length <= maxRows) {
      rows += from[0]!.rows.length;
      group.push(from.shift()!);
    }
    return group;
  }

  /** ms until the waiting bulk rows should flush: 0 once a full group waits or the oldest has lingered enough. */
  function bulkLingerLeft(): number {
    if (bulkLingerMs === 0 || bulkRows >= maxBulkRows) return 0;
    return Math.max(0, bulk[0]!.since + bulkLingerMs - Date.now());
  }

  function startFlushes(): void {
    while (flushing < maxConcurrentFlushes) {
      const isBulk = urgent.length === 0;
      if (isBulk && (bulk.length === 0 || bulkFlushing >= maxBulkFlushes)) return;
      if (isBulk) {
        const wait = bulkLingerLeft();
        if (wait > 0) {
          lingerTimer ??= setTimeout(() => {
            lingerTimer = undefined;
            startFlushes();
          }, wait);
          return;
        }
      }
      const group = isBulk ? takeGroup(bulk, maxBulkRows) : takeGroup(urgent, maxRowsPerFlush);
      flushing++;
      if (isBulk) {
        bulkFlushing++;
        for (const g of group) bulkRows -= g.rows.length;
      }
      void writeGroup(group, isBulk ? 'bulk' : 'interactive').finally(() => {
        flushing--;
        if (isBulk) bulkFlushing--;
        startFlushes();
      });
    }
  }

  return {
    write(rows, { interactive = false } = {}) {
      if (rows.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        (interactive ? urgent : bulk).push({ rows, since: Date.now(), resolve, reject });
        if (!interactive) bulkRows += rows.length;
        startFlushes();
      });
    },
  };
}
