// Trains ensemble members on a pool of worker threads (one member per thread at a time).
import { Worker } from 'node:worker_threads';
import type { EncodedSet } from './encoded-set.js';
import { viewParams, type GruParams } from './gru-params.js';
import type { TrainConfig } from './train-gru.js';
import type { WorkerJob, WorkerMessage } from './train-worker.js';

export interface MemberResult {
  member: number;
  seed: number;
  params: GruParams;
  devAccuracy: number;
  /** [dev examples, classes] probabilities. */
  devProbs: Float32Array;
}

export interface EnsembleOptions {
  members: number;
  threads: number;
  onMessage?: (message: WorkerMessage) => void;
}

/** Seeds of the members: different but fixed functions of the run seed. */
export function memberSeed(seed: number, member: number): number {
  return (seed + 7919 * member) >>> 0;
}

// The worker is TypeScript: start it through tsx's loader API, resolved from here (works under tsx and vitest).
function startWorker(job: WorkerJob): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./train-worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: { trainWorker: true, job } });
}

function trainMember(job: WorkerJob, onMessage?: (m: WorkerMessage) => void): Promise<MemberResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(job);
    let result: MemberResult | undefined;
    worker.on('message', (m: WorkerMessage) => {
      onMessage?.(m);
      if (m.type === 'done') {
        result = {
          member: m.member,
          seed: job.config.seed,
          params: viewParams(job.config.shape, m.emb, m.dense),
          devAccuracy: m.devAccuracy,
          devProbs: m.devProbs,
        };
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (result ? resolve(result) : reject(new Error(`training worker exited with ${code}`))));
  });
}

export async function trainEnsemble(
  train: EncodedSet,
  dev: EncodedSet,
  config: TrainConfig,
  { members, threads, onMessage }: EnsembleOptions,
): Promise<MemberResult[]> {
  const results: MemberResult[] = new Array(members);
  let next = 0;
  const lane = async () => {
    while (next < members) {
      const member = next++;
      const job: WorkerJob = { member, train, dev, config: { ...config, seed: memberSeed(config.seed, member) } };
      results[member] = await trainMember(job, onMessage);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, members)) }, lane));
  return results;
}

/** Accuracy of the averaged class probabilities. */
export function ensembleAccuracy(results: MemberResult[], labels: Uint8Array, classes: number): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    let bestP = -Infinity;
    for (let c = 0; c < classes; c++) {
      let p = 0;
      for (const r of results) p += r.devProbs[i * classes + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}
