import { hostname } from 'node:os';
import { JobName, MAINTENANCE_QUEUE, PERSIST_QUEUE, predictionQueueName, workInProgress, type PersistJobData } from '@sentiment/queue';
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
import { loadServedModel, type ServedModel } from './served-model.js';
import { announcePresence } from './presence.js';
import { createShadowQueues } from './shadow-queues.js';
import { createWriteRejectionReporter, reportingRejections } from './write-rejections.js';
import type { ShutdownStep } from './shutdown.js';

/** Wires model, Postgres, Redis, batcher, the Workers and the retention schedule; returns the ordered shutdown steps. */
export async function startWorker(config: WorkerConfig, logger: Logger): Promise<ShutdownStep[]> {
  // The models first: a broken model is a deploy error and should stop the process before it takes jobs.
  // One at a time, so the memory peak of loading is one model's.
  const metrics = createWorkerMetrics();
  const served: ServedModel[] = [];
  try {
    for (const name of config.serveModels) {
      const model = await loadServedModel(config, name, (lane, reason) => {
        metrics.threadRestarted('inference', lane);
        logger.error({ err: reason, model: name, lane }, `a ${lane} inference thread of ${name} died; starting a new one (the jobs it held are retried)`);
      });
      served.push(model);
      logger.info({ model: name, version: model.version, ...model.settings, niceness: config.inferenceNiceness }, 'model loaded');
    }
  } catch (err) {
    await Promise.all(served.map((m) => m.close()));
    throw err;
  }

  const { writers, reachable } = await openDatabase(
    { ...config.database, writer: config.predictionWriter, interactiveWriterThread: config.interactiveThreads > 0, bulkWriterNiceness: config.inferenceNiceness, inputTextKeys: config.storeInputText ? config.inputTextKeys : undefined, onRestart: (lane) => metrics.threadRestarted('writer', lane) },
    logger,
  );
  const connection = createRedis(config.redis, logger);
  const prefix = config.queuePrefix;
  const name = `worker-${hostname()}-${process.pid}`;
  const rejections = createWriteRejectionReporter(connection, prefix, name, logger);
  const bulkWriter = reportingRejections(writers.bulk, rejections);
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
  const sink = createRowSink({
    writer: metrics.timeWriter(bulkWriter, 'batch'),
    interactiveWriter: metrics.timeWriter(reportingRejections(writers.interactive, rejections), 'batch'),
    persistQueue,
    logger,
    onRecovered: promoteParked,
    bulkLingerMs: config.bulkFlushLingerMs,
  });
  const replier = createReplier(connection, prefix, logger);
  // The API's queue depth counts texts until their job ends (completed, or failed for good).
  const work = workInProgress(connection, prefix);
  const finishWork = (queueName: string, jobId: string | undefined) => {
    if (jobId) work.finish(queueName, jobId).catch((err: unknown) => logger.debug({ err, jobId }, 'could not count a finished job out of the queue depth'));
  };
  const shadowQueues = createShadowQueues(connection, prefix, logger);

  // Per served model: its result cache (keyed by its version), its micro-batcher and its queue's processor.
  const lanes = served.map((model) => {
    // Repeated texts skip the model (CACHE_TTL_S=0: off).
    const cache =
      config.cacheTtlS > 0
        ? createResultCache({ redis: config.redis, prefix, modelVersion: model.version, ttlS: config.cacheTtlS, logger, onLookup: metrics.cacheLookup })
        : undefined;
    const batcher = createBatcher(
      {
        classifier: metrics.timeClassifier(model.classifier),
        interactiveClassifier: model.interactiveClassifier && metrics.timeClassifier(model.interactiveClassifier),
        sink,
        logger,
        cache,
      },
      {
        maxBatchSize: model.settings.maxBatchSize,
        maxWaitMs: model.settings.maxBatchWaitMs,
        maxInflight: model.settings.threads,
        interactiveInflight: model.settings.interactiveThreads,
        sortWindow: config.batchSortWindow,
        storeInputText: config.storeInputText,
      },
    );
    const processor = makeProcessor({
      model: model.name,
      batcher,
      logger: logger.child({ model: model.name }),
      chunkSize: config.chunkSize,
      replier,
      redactTexts: !config.storeInputText,
      maxBulkJobs: config.maxBulkJobs,
      shadow: { enqueue: shadowQueues.enqueue, writeComparisons: (rows) => writers.bulk.comparisons.write(rows) },
    });
    return { model, cache, batcher, route: { queue: predictionQueueName(model.name), jobNames: [JobName.classify, JobName.shadow], processor } satisfies Route };
  });
  const routes: Route[] = [
    ...lanes.map((l) => l.route),
    { queue: PERSIST_QUEUE, jobNames: [JobName.persist], processor: makePersistProcessor({ writer: metrics.timeWriter(bulkWriter, 'parked'), logger, onRecovered: promoteParked }) },
    { queue: MAINTENANCE_QUEUE, jobNames: [JobName.purge], processor: makeRetentionProcessor({ store: writers.bulk.retention, logger, continueWith: (data, after) => continuePurge(maintenanceQueue, data, after) }) },
  ];
  checkRoutes(routes);

  const workers = startQueueWorkers(routes, { config, connection, prefix, name, logger, metrics, replier, finishWork });
  const presence = announcePresence(connection, prefix, name, served, logger);
  logger.info({ name, prefix, models: served.map((m) => m.version), concurrency: config.workerConcurrency, cacheTtlS: config.cacheTtlS }, 'worker started');
  const metricsServer = await serveMetrics({ port: config.metricsPort, registry: metrics.registry, logger });

  return [
    // Off the model list first: the API stops pinning requests to models whose last worker is leaving.
    ['withdraw from model list', () => presence.withdraw()],
    // close() stops fetching and waits for active jobs; their batches are predicted and written by then.
    ['close workers', () => Promise.all(workers.map((w) => w.close()))],
    ['flush pending writes', () => Promise.all(lanes.map((l) => l.batcher.drain()))],
    ['close result caches', async () => void (await Promise.all(lanes.map((l) => l.cache?.close())))],
    ['close shadow queues', () => shadowQueues.close()],
    ['close persist queue', () => persistQueue.close()],
    ['close maintenance queue', () => maintenanceQueue.close()],
    ['close classifiers', async () => void (await Promise.all(served.map((m) => m.close())))],
    ['close database', () => writers.close()],
    ['close redis', () => connection.quit()],
    // Last: scrapes still see the shutdown's final counts.
    ['close metrics server', async () => metricsServer?.close()],
  ];
}
