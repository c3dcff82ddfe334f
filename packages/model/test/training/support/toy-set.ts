// A three-class toy task for the training-loop tests: token 5 + label marks the class, the rest is filler.
import { expect } from 'vitest';
import { packSequences, type EncodedSet } from '../../../src/training/encoded-set.js';
import { GruNetwork } from '../../../src/training/gru-network.js';
import type { GruParams } from '../../../src/training/gru-params.js';
import { mulberry32 } from '../../../src/training/prng.js';
import { DEFAULT_TRAIN_CONFIG, trainGru, type TrainConfig } from '../../../src/training/train-gru.js';

export const TOY_SHAPE = { vocab: 20, embed: 8, hidden: 8, classes: 3 };

export function toySet(n: number, seed: number): EncodedSet {
  const random = mulberry32(seed);
  const sequences: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = Math.floor(random() * 3);
    const body = Array.from({ length: 1 + Math.floor(random() * 6) }, () => 8 + Math.floor(random() * 12));
    body.splice(Math.floor(random() * (body.length + 1)), 0, 5 + label);
    sequences.push([2, ...body, 3]);
    labels.push(label);
  }
  return packSequences(sequences, labels);
}

/** Share of `test` a network with these weights answers right (argmax). */
export function toyAccuracy(params: GruParams, test: EncodedSet): number {
  const net = new GruNetwork(params);
  let right = 0;
  for (let i = 0; i < test.labels.length; i++) {
    const p = net.forward(test.ids, test.offsets[i]!, test.offsets[i + 1]! - test.offsets[i]!);
    if (p.indexOf(Math.max(...p)) === test.labels[i]) right++;
  }
  return right / test.labels.length;
}

/** A loop option set to its off value trains exactly as without it; on, it changes the weights and still learns the toy task. */
export function expectOffSameOnLearns(off: Partial<TrainConfig>, on: Partial<TrainConfig>): void {
  const train = toySet(600, 3);
  const base: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, shape: TOY_SHAPE, seed: 1, epochs: 4, batchSize: 16, learningRate: 1e-2 };
  const without = trainGru(train, base);
  expect(trainGru(train, { ...base, ...off }).dense).toEqual(without.dense);
  const withOption = trainGru(train, { ...base, ...on });
  expect(withOption.dense).not.toEqual(without.dense);
  expect(toyAccuracy(withOption, toySet(200, 4))).toBeGreaterThanOrEqual(0.95);
}
