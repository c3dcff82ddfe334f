// Trains one GRU classifier (minibatch-loop.ts); dropout on the pooled vector.
import type { EncodedSet } from './encoded-set.js';
import { pretrainLanguageModel } from './gru-lm.js';
import { GruNetwork } from './gru-network.js';
import { initParams, type GruParams, type GruShape } from './gru-params.js';
import { applyLexiconPrior, type LexiconPrior } from './lexicon-prior.js';
import { evaluateNetwork, runMinibatches, type Evaluation, type LoopConfig, type TrainProgress } from './minibatch-loop.js';
import { deriveSeed } from './prng.js';
import { applyPretrained, type PretrainedEmbeddings } from './skipgram.js';

export interface TrainConfig extends LoopConfig {
  shape: GruShape;
  /** Word-list valences to seed embedding rows with (see lexicon-prior.ts). */
  lexicon?: LexiconPrior;
  /** Embedding rows to start from (skip-gram pre-training, skipgram.ts). */
  pretrained?: PretrainedEmbeddings;
  /** Epochs of language-model pre-training of the GRU before the classifier trains (gru-lm.ts; 0 or absent: none). */
  lmEpochs?: number;
}

export const DEFAULT_TRAIN_CONFIG: Omit<TrainConfig, 'shape' | 'seed'> = {
  epochs: 3,
  batchSize: 32,
  learningRate: 2e-3,
  clipNorm: 5,
  dropout: 0.5,
};

export type { Evaluation, TrainProgress } from './minibatch-loop.js';

export function evaluate(net: GruNetwork, set: EncodedSet): Evaluation {
  return evaluateNetwork(net, set);
}

export function trainGru(
  train: EncodedSet,
  config: TrainConfig,
  onProgress?: (progress: TrainProgress) => void,
  dev?: EncodedSet,
  onEpoch?: (epoch: number, dev: Evaluation | undefined) => void,
): GruParams {
  const params = initParams(config.shape, deriveSeed(config.seed, 0));
  applyPretrained(params.emb, config.shape.embed, config.pretrained);
  applyLexiconPrior(params.emb, config.shape.embed, config.lexicon);
  const net = new GruNetwork(params);
  if (config.lmEpochs) {
    const stage = 'language model';
    pretrainLanguageModel(net, train, { epochs: config.lmEpochs, seed: deriveSeed(config.seed, 4), onProgress: (done, meanLoss) => onProgress?.({ epoch: 0, done, meanLoss, stage }) });
  }
  runMinibatches(net, train, config, onProgress, (epoch) => onEpoch?.(epoch, dev ? evaluate(net, dev) : undefined));
  return params;
}
