import { hostname } from 'node:os';
import { createThreadedClassifier, defaultModelDir, type ThreadedClassifierOptions } from '@sentiment/model';
import { JobName, MAINTENANCE_QUEUE, PERSIST_QUEUE, PREDICTION_QUEUE, workInProgress, type PersistJobData } from '@sentiment/queue';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { createBatcher } from './batcher.js';
import type { WorkerConfig } from './config.js';
import { openDatabase } from './db.js';
import { createWorkerMetrics } from './metrics.js';
import { serveMetrics } from './metrics-server.js';
import { makePersistProcessor } from './persist-processor.js';
import { makeProcessor } from './processor.js';
import { startQueueWorkers } from './queue-workers.js';
import { createReplier } from './replier.js';
import { createResultCache } from './result-cache.js';
import { createRedis } from './redis.js';
import { makeRetentionProcessor } from './retention-processor.js';
import { continuePurge, scheduleRetention } from './retention-schedule.js';
import { checkRoutes, type Route } from './routes.js';
import { createRowSink } from './row-sink.js';
import { createWriteRejectionReporter, reportingRejections } from './write-rejections.js';
import type { ShutdownStep } from './shutdown.js';

function classifierOptions(config: WorkerConfig): ThreadedClassifierOptions {
  const tuning = {
    threads: config.inferenceThreads,
    intraOpThreads: config.intraOpThreads,
    niceness: config.inferenceNiceness,
    neutralThreshold: config.neutralThreshold,
    maxBatchSize: config.maxBatchSize,
  };
  const m = config.model;
  return 'modelId' in m
    ? { modelId: m.modelId, cacheDir: m.cacheDir, allowRemote: m.allowRemote, ...tuning }
    : { modelDir: m.modelDir ?? defaultModelDir, ...tuning };
}

/** Wires model, Postgres, Redis, batcher, the Workers and the retention schedule; returns the ordered shutdown steps. */
export async function startWorker(config: WorkerConfig, logger: Logger): Promise<ShutdownStep[]> {
  // The model first: a broken model is a deploy error and should stop the process before it takes jobs.
  const classifier = await createThreadedClassifier(classifierOptions(config));
  // Threads for interactive texts alone, at normal priority: a request never waits behind bulk batches.
  const interactiveClassifier =
    config.interactiveThreads > 0 ? await createThreadedClassifier({ ...classifierOptions(config), threads: config.interactiveThreads, niceness: 0 }) : undefined;
  logger.info(
    { model: classifier.info.version, threads: config.inferenceThreads, interactiveThreads: config.interactiveThreads, niceness: config.inferenceNiceness },
    'model loaded',
  );
  const metrics = createWorkerMetrics();

  const { orm, writer: dbWriter, reachable } = await openDatabase(
    // One connection per in-flight flush plus the persist worker is plenty.
    { poolMax: Math.min(config.inferenceThreads + 4, 10), ...config.database, writer: config.predictionWriter, inputTextKeys: config.storeInputText ? config.inputTextKeys : undefined },
    logger,
  );
  const connection = createRedis(config.redisUrl, logger);
  const prefix = config.queuePrefix;
  const name = `worker-${hostname()}-${process.pid}`;
  const writer = reportingRejections(dbWriter, createWriteRejectionReporter(connection, prefix, name, logger));
  const persistQueue = new Queue<PersistJobData>(PERSIST_QUEUE, { connection, prefix });
  const maintenanceQueue = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
  // Without a listener BullMQ prints connection errors raw to stderr; createRedis logs an outage once.
  for (const q of [persistQueue, maintenanceQueue]) q.on('error', (err) => logger.debug({ err, queue: q.name }, 'queue error'));
  // Not awaited: with Redis down the worker still starts, and the upsert runs once Redis is back.
  const retention = { retentionDays: config.retentionDays, everyMs: config.retentionIntervalMs };
  scheduleRetention(maintenanceQueue, retention).then(
    (outcome) => logger.info({ ...retention, outcome }, outcome === 'scheduled' ? 'retention scheduled' : 'retention off: predictions are kept'),
    (err) => logger.error({ err }, 'could not schedule retention'),
  );

  // Parked rows would otherwise wait out their (exponential) backoff after Postgres is back.
  const promoteParked = () =>
    void persistQueue.promoteJobs().catch((err) => logger.warn({ err }, 'could not promote parked persist jobs'));
  if (reachable) promoteParked();
  const sink = createRowSink({ writer: metrics.timeWriter(writer, 'batch'), persistQueue, logger, onRecovered: promoteParked });
  // Repeated texts skip the model (CACHE_TTL_S=0: off).
  const cache =
    config.cacheTtlS > 0
      ? createResultCache({ redisUrl: config.redisUrl, prefix, modelVersion: classifier.info.version, ttlS: config.cacheTtlS, logger, onLookup: metrics.cacheLookup })
      : undefined;
  const batcher = createBatcher(
    { classifier: metrics.timeClassifier(classifier), interactiveClassifier: interactiveClassifier && metrics.timeClassifier(interactiveClassifier), sink, logger, cache },
    {
      maxBatchSize: config.maxBatchSize,
      maxWaitMs: config.maxBatchWaitMs,
      maxInflight: config.inferenceThreads,
      interactiveInflight: config.interactiveThreads,
      sortWindow: config.batchSortWindow,
      storeInputText: config.storeInputText,
    },
  );

  const replier = createReplier(connection, prefix, logger);
  // The API's queue depth counts texts until their job ends (completed, or failed for good).
  const work = workInProgress(connection, prefix);
  const finishWork = (jobId: string | undefined) => {
    if (jobId) work.finish(jobId).catch((err: unknown) => logger.debug({ err, jobId }, 'could not count a finished job out of the queue depth'));
  };
  const routes: Route[] = [
    { queue: PREDICTION_QUEUE, jobName: JobName.classify, processor: makeProcessor({ batcher, logger, chunkSize: config.chunkSize, replier, redactTexts: !config.storeInputText, maxBulkJobs: config.maxBulkJobs }) },
    { queue: PERSIST_QUEUE, jobName: JobName.persist, processor: makePersistProcessor({ writer: metrics.timeWriter(writer, 'parked'), logger, onRecovered: promoteParked }) },
    { queue: MAINTENANCE_QUEUE, jobName: JobName.purge, processor: makeRetentionProcessor({ orm, logger, continueWith: (data, after) => continuePurge(maintenanceQueue, data, after) }) },
  ];
  checkRoutes(routes);

  const workers = startQueueWorkers(routes, { config, connection, prefix, name, logger, metrics, replier, finishWork });
  logger.info({ name, prefix, concurrency: config.workerConcurrency, maxBatchSize: config.maxBatchSize, cacheTtlS: config.cacheTtlS }, 'worker started');
  const metricsServer = await serveMetrics({ port: config.metricsPort, registry: metrics.registry, logger });

  return [
    // close() stops fetching and waits for active jobs; their batches are predicted and written by then.
    ['close workers', () => Promise.all(workers.map((w) => w.close()))],
    ['flush pending writes', () => batcher.drain()],
    ['close result cache', async () => cache?.close()],
    ['close persist queue', () => persistQueue.close()],
    ['close maintenance queue', () => maintenanceQueue.close()],
    ['close classifier', async () => void (await Promise.all([classifier.close(), interactiveClassifier?.close()]))],
    ['close database', () => orm.close()],
    ['close redis', () => connection.quit()],
    // Last: scrapes still see the shutdown's final counts.
    ['close metrics server', async () => metricsServer?.close()],
  ];
}
