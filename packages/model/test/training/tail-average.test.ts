// Tail averaging in the shared training loop: training ends on the mean of the weights it passed through over
// its last part, not on its last step.
import { describe, expect, it } from 'vitest';
import { packSequences, type EncodedSet } from '../../src/training/encoded-set.js';
import { GruNetwork } from '../../src/training/gru-network.js';
import { initParams } from '../../src/training/gru-params.js';
import { runMinibatches, type LoopConfig } from '../../src/training/minibatch-loop.js';
import { mulberry32 } from '../../src/training/prng.js';
import { DEFAULT_TRAIN_CONFIG, trainGru } from '../../src/training/train-gru.js';

const shape = { vocab: 20, embed: 8, hidden: 8, classes: 3 };

/** Token 5 + label marks the class; the rest is filler. */
function toySet(n: number, seed: number): EncodedSet {
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

/** A real GruNetwork that records its weights after every optimiser step (Adam clears the gradients last). */
class RecordingNetwork extends GruNetwork {
  readonly afterStep: { dense: number[]; emb: number[] }[] = [];
  constructor() {
    super(initParams(shape, 7));
  }
  override zeroGrads() {
    super.zeroGrads();
    this.afterStep.push({ dense: Array.from(this.params.dense), emb: Array.from(this.params.emb) });
  }
}

const config: LoopConfig = { seed: 1, epochs: 2, batchSize: 8, learningRate: 1e-2, clipNorm: 5, dropout: 0.5 };

const mean = (rows: number[][]) => rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);

describe('tail averaging (LoopConfig.averageFrom)', () => {
  it('ends on the mean of the weights after each step of the last half, and the last epoch is evaluated on it', () => {
    const set = toySet(40, 1); // 5 steps an epoch, 10 in all: snapshots after steps 5..10
    const net = new RecordingNetwork();
    net.afterStep.length = 0; // the constructor's own zeroGrads
    let seenAtLastEpoch: number[] = [];
    runMinibatches(net, set, { ...config, averageFrom: 0.5 }, undefined, (epoch) => {
      if (epoch === 1) seenAtLastEpoch = Array.from(net.params.dense);
    });
    expect(net.afterStep).toHaveLength(10);
    const tail = net.afterStep.slice(4);
    const expectedDense = mean(tail.map((s) => s.dense));
    const expectedEmb = mean(tail.map((s) => s.emb));
    Array.from(net.params.dense).forEach((w, j) => expect(w).toBeCloseTo(expectedDense[j]!, 6));
    Array.from(net.params.emb).forEach((w, j) => expect(w).toBeCloseTo(expectedEmb[j]!, 6));
    expect(Array.from(net.params.dense)).not.toEqual(net.afterStep.at(-1)!.dense);
    expect(seenAtLastEpoch).toEqual(Array.from(net.params.dense));
  });

  it('off, training is exactly what it was; on, it still learns the toy task', () => {
    const train = toySet(600, 3);
    const base = { ...DEFAULT_TRAIN_CONFIG, shape, seed: 1, epochs: 4, batchSize: 16, learningRate: 1e-2 };
    const without = trainGru(train, base);
    expect(trainGru(train, { ...base, averageFrom: 0 }).dense).toEqual(without.dense);
    const averaged = trainGru(train, { ...base, averageFrom: 0.5 });
    expect(averaged.dense).not.toEqual(without.dense);
    const test = toySet(200, 4);
    const net = new GruNetwork(averaged);
    let right = 0;
    for (let i = 0; i < 200; i++) {
      const p = net.forward(test.ids, test.offsets[i]!, test.offsets[i + 1]! - test.offsets[i]!);
      if (p.indexOf(Math.max(...p)) === test.labels[i]) right++;
    }
    expect(right / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('refuses a start outside [0, 1)', () => {
    const set = toySet(4, 5);
    expect(() => runMinibatches(new GruNetwork(initParams(shape, 7)), set, { ...config, averageFrom: 1 })).toThrow(/\[0, 1\)/);
  });
});
