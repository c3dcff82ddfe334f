// Tail averaging in the shared training loop: training ends on the mean of the weights it passed through over
// its last part, not on its last step.
import { describe, expect, it } from 'vitest';
import { expectOffSameOnLearns, TOY_SHAPE, toySet } from './support/toy-set.js';
import { GruNetwork } from '../../src/training/gru-network.js';
import { initParams } from '../../src/training/gru-params.js';
import { runMinibatches, type LoopConfig } from '../../src/training/minibatch-loop.js';

const shape = TOY_SHAPE;

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
    expectOffSameOnLearns({ averageFrom: 0 }, { averageFrom: 0.5 });
  });

  it('refuses a start outside [0, 1)', () => {
    const set = toySet(4, 5);
    expect(() => runMinibatches(new GruNetwork(initParams(shape, 7)), set, { ...config, averageFrom: 1 })).toThrow(/\[0, 1\)/);
  });
});
