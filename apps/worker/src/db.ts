import { createAnalyticsRepository, initOrm, queryBuilderLog, startThreadedPredictionWriter, type DbOptions, type Orm, type ThreadedPredictionWriter, type TextKey, type WriterKind } from '@sentiment/db';
import type { Logger } from 'pino';
import { redactUrl } from '@sentiment/queue';

/**
 * Connections of each prediction-writer thread (DB_POOL_MAX sizes the rest of the process' pool): the
 * interactive one serves the row sink's two flush slots, the bulk one a bulk flush and a parked-rows write;
 * a single writer thread serves both (three).
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
  /** Rows of /jobs, and parked rows. */
  bulk: ThreadedPredictionWriter;
  /** Waits for the writes in flight and ends the threads. */
  close(): Promise<void>;
}

export interface Database {
  /** Retention, partitions, pings: everything but the prediction rows. */
  orm: Orm;
  writers: PredictionWriters;
  /** Whether Postgres answered the startup ping. */
  reachable: boolean;
}

/**
 * Opens the ORM (its pool connects on first use, so this works with Postgres down), then pings.
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
  },
  logger: Logger,
): Promise<Database> {
  const { inputTextKeys, writer: kind = 'unit-of-work', interactiveWriterThread = true, bulkWriterNiceness = 0, ...dbOptions } = opts;
  const orm = await initOrm({ log: queryBuilderLog(logger), ...dbOptions });
  let reachable = true;
  try {
    await createAnalyticsRepository(orm).ping();
    logger.info({ postgres: redactUrl(opts.clientUrl), schema: opts.schema ?? 'public' }, 'Postgres reachable');
  } catch (err) {
    reachable = false;
    logger.error(
      { err, postgres: redactUrl(opts.clientUrl) },
      'Postgres unreachable at startup (start it with `docker compose up -d postgres` or set DATABASE_URL); ' +
        'predictions continue and their rows wait in the persist queue',
    );
  }
  const start = (lane: 'interactive' | 'bulk') =>
    startThreadedPredictionWriter({
      db: { ...dbOptions, log: queryBuilderLog(logger), poolMax: interactiveWriterThread ? WRITER_POOL : WRITER_POOL + 1 },
      kind,
      textKeys: inputTextKeys,
      // Bulk rows are throughput work, like bulk inference; a writer that also carries interactive rows is not.
      niceness: lane === 'bulk' && interactiveWriterThread ? bulkWriterNiceness : 0,
      onRestart: (reason) =>
        logger.error({ err: reason, writer: lane }, `the ${lane} prediction writer thread died; starting a new one (rows that failed meanwhile are parked)`),
    });
  const [bulk, interactive] = await Promise.all([start('bulk'), interactiveWriterThread ? start('interactive') : undefined]);
  logger.info(
    { inputTexts: inputTextKeys ? `encrypted (AES-256-GCM, key ${inputTextKeys[0]!.id})` : 'plaintext', writer: kind, writerThreads: interactive ? 2 : 1, rowsPerFlush: orm.config.get('batchSize') },
    'prediction storage',
  );
  const writers: PredictionWriters = {
    interactive: interactive ?? bulk,
    bulk,
    close: async () => void (await Promise.all([bulk.close(), interactive?.close()])),
  };
  return { orm, writers, reachable };
}
