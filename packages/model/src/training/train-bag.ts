// Trains one bag-of-embeddings classifier (minibatch-loop.ts); dropout on the hidden layer.
import { BagNetwork } from './bag-network.js';
import { initBagParams, type BagParams, type BagShape } from './bag-params.js';
import type { EncodedSet } from './encoded-set.js';
import { applyLexiconPrior, type LexiconPrior } from './lexicon-prior.js';
import { evaluateNetwork, runMinibatches, type Evaluation, type LoopConfig, type TrainProgress } from './minibatch-loop.js';
import { deriveSeed } from './prng.js';
import { applyPretrained, type PretrainedEmbeddings } from './skipgram.js';

export interface BagTrainConfig extends LoopConfig {
  shape: BagShape;
  /** Word-list valences to seed unigram embedding rows with (see lexicon-prior.ts). */
  lexicon?: LexiconPrior;
  /** Unigram embedding rows to start from (skip-gram pre-training, skipgram.ts). */
  pretrained?: PretrainedEmbeddings;
}

export const DEFAULT_BAG_TRAIN_CONFIG: Omit<BagTrainConfig, 'shape' | 'seed'> = {
  epochs: 2,
  batchSize: 32,
  learningRate: 3e-3,
  clipNorm: 5,
  dropout: 0.3,
};

/** See evaluateNetwork; `net` lets a caller reuse a network's buffers (it must wrap `params`). */
export function evaluateBag(params: BagParams, set: EncodedSet, net = new BagNetwork(params)): Evaluation {
  return evaluateNetwork(net, set);
}

export function trainBag(
  train: EncodedSet,
  config: BagTrainConfig,
  onProgress?: (progress: TrainProgress) => void,
  dev?: EncodedSet,
  onEpoch?: (epoch: number, dev: Evaluation | undefined) => void,
): BagParams {
  const params = initBagParams(config.shape, deriveSeed(config.seed, 0));
  applyPretrained(params.unigram, config.shape.embed, config.pretrained);
  applyLexiconPrior(params.emb, config.shape.embed, config.lexicon);
  const net = new BagNetwork(params);
  runMinibatches(net, train, config, onProgress, (epoch) => onEpoch?.(epoch, dev ? evaluateBag(params, dev, net) : undefined));
  return params;
}
