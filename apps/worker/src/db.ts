import { DEFAULT_BATCH_SIZE, queryBuilderLog, startThreadedPredictionWriter, type DbOptions, type ThreadedPredictionWriter, type TextKey, type WriterKind } from '@sentiment/db/threaded';
import type { Logger } from 'pino';
import { redactUrl } from '@sentiment/queue';

/**
 * Connections of each prediction-writer thread for prediction rows: the interactive one serves the row
 * sink's two flush slots, the bulk one a bulk flush and a parked-rows write; a single writer thread serves
 * both (three). The bulk thread holds DB_POOL_MAX more for the rest (retention, partitions, comparisons).
 */
const WRITER_POOL = 2;

/**
 * The prediction rows, written from threads of their own (their own ORM and pool), so MikroORM's work per
 * row never pauses the worker's event loop. Two by default, so rows someone waits on never queue behind a
 * bulk flush's CPU work: a thread runs one flush's entities and INSERT text at a time.
 */
export interface PredictionWriters {
  /** Rows of /predict and /batch (their callers wait for the write); the bulk writer itself when there is no interactive lane. */
  interactive: ThreadedPredictionWriter;
  /** Rows of /jobs, parked rows, and the rest: comparison rows, retention, pings. */
  bulk: ThreadedPredictionWriter;
  /** Waits for the writes in flight and ends the threads. */
  close(): Promise<void>;
}

export interface Database {
  writers: PredictionWriters;
  /** Whether Postgres answered the startup ping. */
  reachable: boolean;
}

/**
 * Starts the writer threads (their pools connect on first use, so this works with Postgres down), then
 * pings through the bulk one. The worker's event loop holds no ORM of its own: the threads do all of its
 * database work, and MikroORM is never loaded here (~20 MiB; docs/benchmarks.md, "Memory").
 * Postgres being down does not stop the worker: predictions do not need it, and the row sink parks
 * rows in the persist queue until it is back, so the fleet recovers without restarts.
 */
export async function openDatabase(
  opts: DbOptions & {
    inputTextKeys?: TextKey[];
    writer?: WriterKind;
    /** false: interactive rows share the bulk writer thread (a thread costs ~35–70 MiB of RSS). */
    interactiveWriterThread?: boolean;
    /** Nice value of the bulk writer thread when interactive rows have their own (INFERENCE_NICENESS). */
    bulkWriterNiceness?: number;
    /** Besides the log line: a writer thread died and a new one replaces it. */
    onRestart?: (lane: 'interactive' | 'bulk') => void;
  },
  logger: Logger,
): Promise<Database> {
  const { inputTextKeys, writer: kind = 'unit-of-work', interactiveWriterThread = true, bulkWriterNiceness = 0, onRestart, ...dbOptions } = opts;
  // DB_POOL_MAX (default 2: the retention, partition and comparison work's connections) joins the bulk thread's pool.
  const { poolMax: restPool = 2, ...threadOptions } = dbOptions;
  const start = (lane: 'interactive' | 'bulk') =>
    startThreadedPredictionWriter({
      db: { ...threadOptions, log: queryBuilderLog(logger), poolMax: (interactiveWriterThread ? WRITER_POOL : WRITER_POOL + 1) + (lane === 'bulk' ? restPool : 0) },
      kind,
      textKeys: inputTextKeys,
      // Bulk rows are throughput work, like bulk inference; a writer that also carries interactive rows is not.
      niceness: lane === 'bulk' && interactiveWriterThread ? bulkWriterNiceness : 0,
      onRestart: (reason) => {
        onRestart?.(lane);
        logger.error({ err: reason, writer: lane }, `the ${lane} prediction writer thread died; starting a new one (rows that failed meanwhile are parked)`);
      },
    });
  const [bulk, interactive] = await Promise.all([start('bulk'), interactiveWriterThread ? start('interactive') : undefined]);
  let reachable = true;
  try {
    await bulk.ping();
    logger.info({ postgres: redactUrl(opts.clientUrl), schema: opts.schema ?? 'public' }, 'Postgres reachable');
  } catch (err) {
    reachable = false;
    logger.error(
      { err, postgres: redactUrl(opts.clientUrl) },
      'Postgres unreachable at startup (start it with `docker compose up -d postgres` or set DATABASE_URL); ' +
        'predictions continue and their rows wait in the persist queue',
    );
  }
  logger.info(
    { inputTexts: inputTextKeys ? `encrypted (AES-256-GCM, key ${inputTextKeys[0]!.id})` : 'plaintext', writer: kind, writerThreads: interactive ? 2 : 1, rowsPerFlush: dbOptions.batchSize ?? DEFAULT_BATCH_SIZE },
    'prediction storage',
  );
  const writers: PredictionWriters = {
    interactive: interactive ?? bulk,
    bulk,
    close: async () => void (await Promise.all([bulk.close(), interactive?.close()])),
  };
  return { writers, reachable };
}
