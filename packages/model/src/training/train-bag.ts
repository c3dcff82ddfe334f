// Trains one bag-of-embeddings classifier: shuffled minibatches, lazy Adam with linear decay to 0,
// dropout on the hidden layer; binary-corpus rows train a softmax over classes 0 and 2 only.
import { Adam } from './adam.js';
import { BagNetwork } from './bag-network.js';
import { initBagParams, type BagParams, type BagShape } from './bag-params.js';
import type { EncodedSet } from './encoded-set.js';
import { applyLexiconPrior, type LexiconPrior } from './lexicon-prior.js';
import { deriveSeed, mulberry32, shuffle } from './prng.js';
import type { Evaluation, TrainProgress } from './train-gru.js';

export interface BagTrainConfig {
  shape: BagShape;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  clipNorm: number;
  dropout: number;
  /** Word-list valences to seed unigram embedding rows with (see lexicon-prior.ts). */
  lexicon?: LexiconPrior;
}

export const DEFAULT_BAG_TRAIN_CONFIG: Omit<BagTrainConfig, 'shape' | 'seed'> = {
  epochs: 2,
  batchSize: 32,
  learningRate: 3e-3,
  clipNorm: 5,
  dropout: 0.3,
};

/**
 * Accuracy counts argmax over classes 0 and 2 on binary rows of a 3-class model; probs are the full softmax.
 * `net` lets a caller reuse a network's buffers (it must wrap `params`).
 */
export function evaluateBag(params: BagParams, set: EncodedSet, net = new BagNetwork(params)): Evaluation {
  const C = params.shape.classes;
  const n = set.labels.length;
  const probs = new Float32Array(n * C);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const p = net.forward(set.ids, set.offsets[i]!, set.offsets[i + 1]! - set.offsets[i]!);
    let best = 0;
    for (let c = 0; c < C; c++) {
      probs[i * C + c] = p[c]!;
      if (p[c]! > p[best]!) best = c;
    }
    if (C === 3 && set.binary?.[i]) best = p[2]! > p[0]! ? 2 : 0;
    if (best === set.labels[i]) correct++;
  }
  return { accuracy: n ? correct / n : 0, probs };
}

export function trainBag(
  train: EncodedSet,
  config: BagTrainConfig,
  onProgress?: (progress: TrainProgress) => void,
  dev?: EncodedSet,
  onEpoch?: (epoch: number, dev: Evaluation | undefined) => void,
): BagParams {
  const params = initBagParams(config.shape, deriveSeed(config.seed, 0));
  applyLexiconPrior(params.emb, config.shape.embed, config.lexicon);
  const net = new BagNetwork(params);
  const adam = new Adam(net, { clipNorm: config.clipNorm });
  const shuffleRandom = mulberry32(deriveSeed(config.seed, 1));
  const dropoutRandom = mulberry32(deriveSeed(config.seed, 2));
  const n = train.labels.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const stepsPerEpoch = Math.ceil(n / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const reportEvery = Math.max(1, Math.floor(stepsPerEpoch / 10));
  let step = 0;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    shuffle(order, shuffleRandom);
    let lossSum = 0;
    let lossCount = 0;
    for (let b = 0; b < n; b += config.batchSize) {
      const end = Math.min(n, b + config.batchSize);
      const scale = 1 / (end - b);
      for (let k = b; k < end; k++) {
        const i = order[k]!;
        net.forward(train.ids, train.offsets[i]!, train.offsets[i + 1]! - train.offsets[i]!, dropoutRandom, config.dropout);
        lossSum += net.backward(train.labels[i]!, scale * (train.weights?.[i] ?? 1), train.binary?.[i] === 1);
        lossCount++;
      }
      adam.step(config.learningRate * (1 - step / totalSteps));
      step++;
      if (onProgress && (step % reportEvery === 0 || step === totalSteps)) {
        onProgress({ epoch, done: step / totalSteps, meanLoss: lossSum / lossCount });
        lossSum = 0;
        lossCount = 0;
      }
    }
    onEpoch?.(epoch, dev ? evaluateBag(params, dev, net) : undefined);
  }
  return params;
}
