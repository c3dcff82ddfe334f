// Worker-thread entry: trains one ensemble member and posts its weights back. A member's result depends only
// on its seed and the data, so running members on separate threads keeps the whole run deterministic.
import { parentPort, workerData } from 'node:worker_threads';
import { trainGru, type Evaluation, type TrainConfig } from './train-gru.js';
import type { EncodedSet } from './encoded-set.js';

export interface WorkerJob {
  member: number;
  train: EncodedSet;
  dev: EncodedSet;
  config: TrainConfig;
}

export type WorkerMessage =
  | { type: 'progress'; member: number; epoch: number; done: number; meanLoss: number; stage?: string }
  | { type: 'epoch'; member: number; epoch: number; devAccuracy: number }
  | { type: 'done'; member: number; emb: Float32Array; dense: Float32Array; devProbs: Float32Array; devAccuracy: number };

export function runJob(job: WorkerJob, post: (message: WorkerMessage) => void): void {
  let last: Evaluation = { accuracy: 0, probs: new Float32Array(0) };
  const params = trainGru(
    job.train,
    job.config,
    (p) => post({ type: 'progress', member: job.member, ...p }),
    job.dev,
    (epoch, dev) => {
      if (!dev) return;
      last = dev;
      post({ type: 'epoch', member: job.member, epoch, devAccuracy: dev.accuracy });
    },
  );
  post({
    type: 'done',
    member: job.member,
    emb: params.emb as Float32Array,
    dense: params.dense as Float32Array,
    devProbs: last.probs,
    devAccuracy: last.accuracy,
  });
}

if (parentPort && workerData?.trainWorker) {
  const port = parentPort;
  runJob(workerData.job as WorkerJob, (m) => port.postMessage(m));
}
