// The training loop both architectures share: shuffled minibatches, Adam with linear decay to 0, dropout
// inside the network, per-example loss weights, and the masked loss for binary-corpus rows.
import { Adam, type AdamTarget } from './adam.js';
import type { EncodedSet } from './encoded-set.js';
import { binaryMass, predictedClass } from './class-loss.js';
import type { FloatArray } from './gru-params.js';
import { deriveSeed, mulberry32, shuffle } from './prng.js';
import { TailAverage } from './tail-average.js';

/** A network the loop can train: a forward pass returning class probabilities, a backward pass into grads. */
export interface TrainableNetwork extends AdamTarget {
  readonly params: AdamTarget['params'] & { shape: { embed: number; classes: number } };
  forward(ids: Int32Array, start: number, length: number, dropoutRandom?: (() => number) | null, dropout?: number): FloatArray;
  backward(label: number, scale: number, binary?: boolean, target?: ArrayLike<number>): unknown;
}

export interface LoopConfig {
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  clipNorm: number;
  dropout: number;
  /** Word dropout: each training token is replaced by `unkId` with this probability (0 or absent: off). */
  wordDropout?: number;
  unkId?: number;
  /**
   * Progressive self-distillation (Kim et al. 2021, "Self-Knowledge Distillation with Progressive Refinement
   * of Targets"): from the second epoch on, a text's target mixes its label (or `train.targets`) with the
   * probabilities the network gave that text in the previous epoch, with a weight growing linearly to this
   * value in the last epoch. 0 or absent: off.
   */
  selfDistill?: number;
  /**
   * Tail averaging (tail-average.ts): from this fraction of all steps on, the weights are snapshotted 50 times an
   * epoch, and training ends on their mean. 0 or absent: off (the last step's weights).
   */
  averageFrom?: number;
}

export interface TrainProgress {
  epoch: number;
  /** Fraction of all training done, 0..1. */
  done: number;
  meanLoss: number;
  /** What is training when not the classifier itself (e.g. `language model`). */
  stage?: string;
}

export interface Evaluation {
  /** A binary-corpus example counts as right when its negative-vs-positive answer is. */
  accuracy: number;
  /** Probability of each class per example, [n, classes]. */
  probs: Float32Array;
}

export function evaluateNetwork(net: TrainableNetwork, set: EncodedSet): Evaluation {
  const C = net.params.shape.classes;
  const n = set.labels.length;
  const probs = new Float32Array(n * C);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const p = net.forward(set.ids, set.offsets[i]!, set.offsets[i + 1]! - set.offsets[i]!);
    for (let c = 0; c < C; c++) probs[i * C + c] = p[c]!;
    if (predictedClass(p, C, set.binary?.[i] === 1) === set.labels[i]) correct++;
  }
  return { accuracy: n ? correct / n : 0, probs };
}

export function runMinibatches(
  net: TrainableNetwork,
  train: EncodedSet,
  config: LoopConfig,
  onProgress?: (progress: TrainProgress) => void,
  onEpoch?: (epoch: number) => void,
): void {
  const classes = net.params.shape.classes;
  const adam = new Adam(net, { clipNorm: config.clipNorm });
  const shuffleRandom = mulberry32(deriveSeed(config.seed, 1));
  const dropoutRandom = mulberry32(deriveSeed(config.seed, 2));
  // Its own stream, so a run without word dropout draws exactly what it drew before the option existed.
  const wordRandom = mulberry32(deriveSeed(config.seed, 3));
  const wordDropout = config.wordDropout ?? 0;
  if (wordDropout > 0 && config.unkId === undefined) throw new Error('word dropout needs unkId');
  let scratch = new Int32Array(256);
  const n = train.labels.length;
  const selfDistill = config.selfDistill ?? 0;
  if (!(selfDistill >= 0 && selfDistill < 1)) throw new Error(`selfDistill must be in [0, 1), got ${selfDistill}`);
  if (selfDistill > 0 && train.binary) throw new Error('selfDistill needs every training row three-class (the polar loss for binary corpora)');
  // Each text's probabilities when last visited (previous epoch), and the mixed target of the current visit.
  const previous = selfDistill > 0 ? new Float32Array(n * classes) : undefined;
  const target = new Float32Array(classes);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const stepsPerEpoch = Math.ceil(n / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const reportEvery = Math.max(1, Math.floor(stepsPerEpoch / 10));
  const averageFrom = config.averageFrom ?? 0;
  if (!(averageFrom >= 0 && averageFrom < 1)) throw new Error(`averageFrom must be in [0, 1), got ${averageFrom}`);
  const average = averageFrom > 0 ? new TailAverage(net.params) : undefined;
  const averageStart = Math.ceil(averageFrom * totalSteps);
  const averageEvery = Math.max(1, Math.floor(stepsPerEpoch / 50));
  let step = 0;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    shuffle(order, shuffleRandom);
    const alpha = previous && epoch > 0 ? (selfDistill * epoch) / (config.epochs - 1) : 0;
    let lossSum = 0;
    let lossCount = 0;
    for (let b = 0; b < n; b += config.batchSize) {
      const end = Math.min(n, b + config.batchSize);
      const scale = 1 / (end - b);
      for (let k = b; k < end; k++) {
        const i = order[k]!;
        const label = train.labels[i]!;
        const binary = train.binary?.[i] === 1;
        const start = train.offsets[i]!;
        const length = train.offsets[i + 1]! - start;
        let p: FloatArray;
        if (wordDropout > 0) {
          if (scratch.length < length) scratch = new Int32Array(length * 2);
          for (let t = 0; t < length; t++) scratch[t] = wordRandom() < wordDropout ? config.unkId! : train.ids[start + t]!;
          p = net.forward(scratch, 0, length, dropoutRandom, config.dropout);
        } else p = net.forward(train.ids, start, length, dropoutRandom, config.dropout);
        lossSum -= Math.log(Math.max(p[label]! / (binary ? binaryMass(p, classes) : 1), 1e-12));
        lossCount++;
        const given = train.targets?.subarray(i * classes, (i + 1) * classes);
        let soft: ArrayLike<number> | undefined = given;
        if (previous) {
          const row = i * classes;
          if (alpha > 0) {
            for (let c = 0; c < classes; c++) target[c] = (1 - alpha) * (given ? given[c]! : c === label ? 1 : 0) + alpha * previous[row + c]!;
            soft = target;
          }
          for (let c = 0; c < classes; c++) previous[row + c] = p[c]!;
        }
        net.backward(label, scale * (train.weights?.[i] ?? 1), binary, soft);
      }
      adam.step(config.learningRate * (1 - step / totalSteps));
      step++;
      // Counted back from the last step, so the final weights are always among the snapshots.
      if (average && step >= averageStart && (totalSteps - step) % averageEvery === 0) average.add();
      if (onProgress && (step % reportEvery === 0 || step === totalSteps)) {
        onProgress({ epoch, done: step / totalSteps, meanLoss: lossSum / lossCount });
        lossSum = 0;
        lossCount = 0;
      }
    }
    if (average && epoch === config.epochs - 1) average.apply();
    onEpoch?.(epoch);
  }
}
