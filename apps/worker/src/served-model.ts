import { createThreadedClassifier, shippedModelDir, type Classifier, type ThreadedClassifierOptions } from '@sentiment/model';
import type { ModelEntry } from '@sentiment/registry';
import type { WorkerConfig } from './config.js';
import type { Lane } from './metrics.js';

/** One registry model loaded by this worker: its bulk threads and, optionally, interactive threads of its own. */
export interface ServedModel {
  /** The registry name (its queue is predictionQueueName(name)). */
  name: string;
  /** The full model_version every row it answers carries. */
  version: string;
  /** The registry entry's own settings, else the worker's. */
  settings: Required<Pick<ModelEntry, 'threads' | 'interactiveThreads' | 'maxBatchSize' | 'maxBatchWaitMs'>>;
  classifier: Classifier;
  interactiveClassifier?: Classifier;
  close(): Promise<void>;
}

function classifierOptions(config: WorkerConfig, entry: ModelEntry): ThreadedClassifierOptions {
  const tuning = {
    threads: entry.threads ?? config.inferenceThreads,
    intraOpThreads: entry.intraOpThreads ?? config.intraOpThreads,
    niceness: config.inferenceNiceness,
    neutralThreshold: entry.neutralThreshold ?? config.neutralThreshold,
    maxBatchSize: entry.maxBatchSize ?? config.maxBatchSize,
  };
  const s = entry.source;
  if ('hub' in s) return { modelId: s.hub, cacheDir: s.cacheDir, allowRemote: config.allowRemoteModels, ...tuning };
  return { modelDir: 'dir' in s ? s.dir : shippedModelDir(s.shipped), ...tuning };
}

/**
 * Loads registry model `name` (a broken model throws: a deploy error that must stop the worker before it takes jobs).
 * `onRestart`: one of the model's threads died (the texts it held fail, their jobs retry) and a new one is starting.
 */
export async function loadServedModel(config: WorkerConfig, name: string, onRestart: (lane: Lane, reason: Error) => void): Promise<ServedModel> {
  const entry = config.registry.models.get(name);
  if (!entry) throw new Error(`model "${name}" is not in the registry (${config.registry.origin})`);
  const options = classifierOptions(config, entry);
  const lane = (lane: Lane) => ({ onRestart: (reason: Error) => onRestart(lane, reason) });
  const settings = {
    threads: options.threads ?? config.inferenceThreads,
    interactiveThreads: entry.interactiveThreads ?? config.interactiveThreads,
    maxBatchSize: options.maxBatchSize ?? config.maxBatchSize,
    maxBatchWaitMs: entry.maxBatchWaitMs ?? config.maxBatchWaitMs,
  };
  const classifier = await createThreadedClassifier({ ...options, ...lane('bulk') });
  // Threads for interactive texts alone, at normal priority: a request never waits behind bulk batches.
  const interactiveClassifier =
    settings.interactiveThreads > 0 ? await createThreadedClassifier({ ...options, ...lane('interactive'), threads: settings.interactiveThreads, niceness: 0 }).catch(async (err: unknown) => {
      await classifier.close();
      throw err;
    }) : undefined;
  return {
    name,
    version: classifier.info.version,
    settings,
    classifier,
    interactiveClassifier,
    async close() {
      await Promise.all([classifier.close(), interactiveClassifier?.close()]);
    },
  };
}
