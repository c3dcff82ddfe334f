// The two architectures the v2 recipe can train, behind one shape: train on an encoded set, then export
// ONNX at a given temperature and describe itself for config.json.
import { bagToOnnx } from '../export/bag-onnx.js';
import { gruEnsembleToOnnx, type EmbeddingType } from '../export/gru-ensemble-onnx.js';
import type { GruParams, GruPooling } from './gru-params.js';
import { DEFAULT_BAG_SHAPE } from './bag-params.js';
import type { EncodedSet } from './encoded-set.js';
import type { LexiconPrior } from './lexicon-prior.js';
import { trainEnsemble } from './run-ensemble.js';
import type { PretrainedEmbeddings } from './skipgram.js';
import { DEFAULT_BAG_TRAIN_CONFIG, trainBag } from './train-bag.js';
import { DEFAULT_TRAIN_CONFIG } from './train-gru.js';

export const ARCHITECTURES = ['gru', 'bag'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** v2's dropout on the GRU's pooled vector: 0.2 beat v1's 0.5 and 0.3 on the calibration split at two seeds (model card). */
export const GRU_DROPOUT = 0.2;

export interface ArchitectureOptions {
  vocab: number;
  classes: number;
  seed: number;
  epochs?: number;
  /** Adam's initial step size, decayed linearly to 0 (default: the recipe's, 2e-3 GRU and 3e-3 bag). */
  learningRate?: number;
  /** GRU: epochs of language-model pre-training before the classifier trains (0: none, the default). */
  lmEpochs?: number;
  /** Dropout on the pooled vector (default: the recipe's, GRU_DROPOUT for the GRU and 0.3 for the bag). */
  dropout?: number;
  /** GRU: ensemble members (trained in parallel on `threads` worker threads). */
  members: number;
  threads: number;
  embed: number;
  hidden: number;
  /** GRU: pooling over time (default `max`, the shipped model's). */
  pooling?: GruPooling;
  lexicon?: LexiconPrior;
  pretrained?: PretrainedEmbeddings;
  /** Share of training tokens replaced by `unkId` (0: none). */
  wordDropout: number;
  /** Progressive self-distillation's final weight (LoopConfig.selfDistill; 0: off). */
  selfDistill?: number;
  /** Tail averaging of the weights from this fraction of training on (LoopConfig.averageFrom; 0: off). */
  averageFrom?: number;
  unkId: number;
  /** GRU: how the exported file stores the embedding tables (default `float32`; the bag stores float32). */
  embeddings?: EmbeddingType;
  log: (message: string) => void;
}

/** The calibration the exported graph applies: logits = (raw + classBias) / temperature. */
export interface Calibration {
  temperature: number;
  classBias?: ArrayLike<number>;
}

export interface TrainedModel {
  /** ONNX bytes: inputs input_ids / attention_mask, output calibrated logits. */
  onnx(calibration: Calibration, name: string, docString: string): Uint8Array;
  /** Architecture fields of config.json. */
  config: Record<string, unknown>;
  summary: string;
}

export async function trainArchitecture(arch: Architecture, train: EncodedSet, devSample: EncodedSet, o: ArchitectureOptions): Promise<TrainedModel> {
  const progress = (who: string) => (p: { epoch: number; done: number; meanLoss: number; stage?: string }) =>
    o.log(`${who}: ${p.stage ? `${p.stage} ` : ''}${(p.done * 100).toFixed(0)} %${p.stage ? '' : ` (epoch ${p.epoch + 1})`}, loss ${p.meanLoss.toFixed(4)}`);
  const epochLog = (who: string, epoch: number, accuracy: number) => o.log(`${who}: epoch ${epoch + 1} dev-sample accuracy ${(accuracy * 100).toFixed(2)} %`);

  // What both recipes take from the options besides shape and epochs.
  const common = { seed: o.seed, lexicon: o.lexicon, pretrained: o.pretrained, wordDropout: o.wordDropout, unkId: o.unkId, selfDistill: o.selfDistill ?? 0, averageFrom: o.averageFrom ?? 0,
    ...(o.learningRate === undefined ? {} : { learningRate: o.learningRate }),
    ...(o.dropout === undefined ? {} : { dropout: o.dropout }),
  };
  if (arch === 'gru') {
    const shape = { vocab: o.vocab, embed: o.embed, hidden: o.hidden, classes: o.classes, ...(o.pooling && o.pooling !== 'max' ? { pooling: o.pooling } : {}) };
    // Two epochs from skip-gram embeddings: the shipped recipe (the model card's "Choices measured on the way").
    const epochs = o.epochs ?? 2;
    const lm = o.lmEpochs ? { lmEpochs: o.lmEpochs } : {};
    const results = await trainEnsemble(train, devSample, { ...DEFAULT_TRAIN_CONFIG, dropout: GRU_DROPOUT, ...common, ...lm, epochs, shape }, {
      members: o.members,
      threads: o.threads,
      onMessage(m) {
        if (m.type === 'progress') progress(`member ${m.member}`)(m);
        else if (m.type === 'epoch') epochLog(`member ${m.member}`, m.epoch, m.devAccuracy);
      },
    });
    return gruModel(results.map((r) => r.params), o.embeddings);
  }
  if (o.embeddings === 'int8') throw new Error('int8 embeddings are exported for the GRU ensemble only');
  if (o.lmEpochs) throw new Error('language-model pre-training is for the GRU');

  const shape = { ...DEFAULT_BAG_SHAPE, vocab: o.vocab, classes: o.classes, embed: o.embed, hidden: o.hidden };
  const epochs = o.epochs ?? DEFAULT_BAG_TRAIN_CONFIG.epochs;
  const params = trainBag(train, { ...DEFAULT_BAG_TRAIN_CONFIG, ...common, epochs, shape }, progress('bag'), devSample, (epoch, dev) =>
    epochLog('bag', epoch, dev?.accuracy ?? 0),
  );
  return {
    onnx: (calibration, name, docString) => bagToOnnx(params, { name, docString, ...calibration }),
    config: {
      architectures: ['BagOfNgramsForSequenceClassification'],
      model_type: 'bag-of-ngrams',
      embedding_size: shape.embed,
      bigram_buckets: shape.buckets,
      hidden_size: shape.hidden,
      pooling: 'mean+max',
      output_is: '(logits + class_bias) / temperature',
    },
    summary: `bag of word pieces and hashed bigrams (embeddings ${shape.embed}, ${shape.buckets} bigram buckets, hidden ${shape.hidden})`,
  };
}

/** config.json `model_type` of a GRU ensemble, by its pooling. */
export const GRU_MODEL_TYPES: Record<GruPooling, string> = { max: 'bigru-maxpool-ensemble', 'max+mean': 'bigru-maxmeanpool-ensemble' };

/** A trained (or re-read) GRU ensemble as a TrainedModel. */
export function gruModel(members: GruParams[], embeddings: EmbeddingType = 'float32'): TrainedModel {
  const shape = members[0]!.shape;
  const pooling = shape.pooling ?? 'max';
  return {
    onnx: (calibration, name, docString) => gruEnsembleToOnnx(members, { name, docString, embeddings, ...calibration }),
    config: {
      architectures: [pooling === 'max' ? 'BiGruMaxPoolEnsembleForSequenceClassification' : 'BiGruMaxMeanPoolEnsembleForSequenceClassification'],
      model_type: GRU_MODEL_TYPES[pooling],
      embedding_size: shape.embed,
      embedding_dtype: embeddings,
      hidden_size: shape.hidden,
      num_directions: 2,
      pooling,
      ensemble_size: members.length,
      output_is: '(log(mean member probabilities) + class_bias) / temperature',
    },
    summary: `ensemble of ${members.length} bidirectional GRUs (embeddings ${shape.embed}${embeddings === 'int8' ? ' stored int8' : ''}, hidden ${shape.hidden} per direction${pooling === 'max' ? '' : `, ${pooling} pooling`})`,
  };
}
