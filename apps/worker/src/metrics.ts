import { PermanentWriteError, type PredictionWriter } from '@sentiment/db/threaded';
import type { Classifier } from '@sentiment/model';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Which writes a flush belongs to: micro-batches (group commit) or rows parked while Postgres was down. */
export type WritePath = 'batch' | 'parked';

export interface WorkerMetrics {
  registry: Registry;
  /** `classifier`, with each predict() call observed: micro-batch size and inference time. */
  timeClassifier(classifier: Classifier): Classifier;
  /** `writer`, with each insertMany() observed: flush time, rows inserted, failures. */
  timeWriter(writer: PredictionWriter, path: WritePath): PredictionWriter;
  jobCompleted(queue: string): void;
  /** `final`: no attempt left (or unrecoverable); otherwise BullMQ retries it. */
  jobFailed(queue: string, final: boolean): void;
  /** The result cache's per-lookup hook (`onLookup`). */
  cacheLookup(hits: number, misses: number): void;
  /** A classifier (`inference`) or prediction writer thread died and a new one is starting. */
  threadRestarted(thread: ThreadKind, lane: Lane): void;
}

export type ThreadKind = 'inference' | 'writer';
/** Which work a thread serves: `/jobs` (bulk) or requests someone waits on (interactive). */
export type Lane = 'bulk' | 'interactive';

/**
 * This worker process's Prometheus registry: prom-client's process metrics plus the pipeline's own
 * series. Each hook is O(1) prom-client calls per batch, flush or job, never per text. Queue depth is
 * not here: it is the same for every worker, so the API reports it once.
 */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const batchSize = new Histogram({
    name: 'sentiment_batch_size',
    help: 'Texts per micro-batch sent to the model (cache hits never reach it)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers,
  });
  const inference = new Histogram({
    name: 'sentiment_inference_duration_seconds',
    help: 'Wall time of one classifier.predict call (tokenizer + ONNX in a worker thread), per micro-batch',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const flush = new Histogram({
    name: 'sentiment_db_flush_duration_seconds',
    help: 'Wall time of one successful Postgres insert (one statement per flush)',
    labelNames: ['path'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const rowsWritten = new Counter({
    name: 'sentiment_db_rows_written_total',
    help: 'Prediction rows inserted into Postgres (rows already stored by an earlier attempt are not counted)',
    labelNames: ['path'],
    registers,
  });
  const flushFailures = new Counter({
    name: 'sentiment_db_flush_failures_total',
    help: 'Postgres inserts that failed: outages (rows parked in Redis, or the persist job retries) and refusals (see sentiment_db_rows_rejected_total)',
    labelNames: ['path'],
    registers,
  });
  const rowsRejected = new Counter({
    name: 'sentiment_db_rows_rejected_total',
    help: 'Prediction rows Postgres refused for good (value too long, missing table, constraint): their jobs failed, nothing was parked',
    labelNames: ['path', 'code', 'column'],
    registers,
  });
  const jobs = new Counter({
    name: 'sentiment_worker_jobs_total',
    help: "Jobs this process finished, by result: completed, failed (for good) or retrying (an attempt failed, BullMQ retries it)",
    labelNames: ['queue', 'result'],
    registers,
  });
  const cache = new Counter({
    name: 'sentiment_cache_lookups_total',
    help: 'Result-cache lookups per text: hit (answered without the model) or miss',
    labelNames: ['result'],
    registers,
  });

  const threadRestarts = new Counter({
    name: 'sentiment_thread_restarts_total',
    help: 'Classifier (inference) and prediction writer threads that died and were replaced; the texts they held were retried (inference) or parked (writer)',
    labelNames: ['thread', 'lane'],
    registers,
  });

  // Known series start at 0, so rate() works from the first scrape and dashboards show no gaps.
  for (const path of ['batch', 'parked'] satisfies WritePath[]) {
    rowsWritten.inc({ path }, 0);
    flushFailures.inc({ path }, 0);
  }
  for (const result of ['hit', 'miss']) cache.inc({ result }, 0);
  for (const thread of ['inference', 'writer'] satisfies ThreadKind[]) for (const lane of ['bulk', 'interactive'] satisfies Lane[]) threadRestarts.inc({ thread, lane }, 0);

  return {
    registry,
    timeClassifier: (classifier) => ({
      get info() {
        return classifier.info;
      },
      async predict(texts) {
        const end = inference.startTimer();
        const predictions = await classifier.predict(texts);
        end();
        batchSize.observe(texts.length);
        return predictions;
      },
      close: () => classifier.close(),
    }),
    timeWriter: (writer, path) => ({
      async insertMany(rows) {
        const end = flush.startTimer({ path });
        let inserted: number;
        try {
          inserted = await writer.insertMany(rows);
        } catch (err) {
          flushFailures.inc({ path });
          if (err instanceof PermanentWriteError) rowsRejected.inc({ path, code: err.code, column: err.column ?? '' }, rows.length);
          throw err;
        }
        end();
        rowsWritten.inc({ path }, inserted);
        return inserted;
      },
    }),
    jobCompleted: (queue) => jobs.inc({ queue, result: 'completed' }),
    jobFailed: (queue, final) => jobs.inc({ queue, result: final ? 'failed' : 'retrying' }),
    cacheLookup(hits, misses) {
      if (hits > 0) cache.inc({ result: 'hit' }, hits);
      if (misses > 0) cache.inc({ result: 'miss' }, misses);
    },
    threadRestarted: (thread, lane) => threadRestarts.inc({ thread, lane }),
  };
}
