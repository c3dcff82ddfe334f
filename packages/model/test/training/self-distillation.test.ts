// Progressive self-distillation in the shared training loop: from the second epoch on, each text learns a mix
// of its label and the network's own answer to it one epoch earlier, the mix's weight growing to the option's.
import { describe, expect, it } from 'vitest';
import { packSequences, type EncodedSet } from '../../src/training/encoded-set.js';
import { expectOffSameOnLearns, TOY_SHAPE, toySet } from './support/toy-set.js';
import { GruNetwork } from '../../src/training/gru-network.js';
import { initParams } from '../../src/training/gru-params.js';
import { runMinibatches, type LoopConfig } from '../../src/training/minibatch-loop.js';

const shape = TOY_SHAPE;

/** A real GruNetwork whose every forward answer and backward target are recorded, by text (its offset). */
class RecordingNetwork extends GruNetwork {
  readonly visits: { text: number; answer: number[]; target: number[] | undefined }[] = [];
  private current = -1;
  constructor(private readonly set: EncodedSet) {
    super(initParams(shape, 7));
  }
  override forward(ids: Int32Array, start: number, length: number, dropoutRandom?: (() => number) | null, dropout?: number) {
    const p = super.forward(ids, start, length, dropoutRandom, dropout);
    this.current = this.set.offsets.indexOf(start);
    this.visits.push({ text: this.current, answer: Array.from(p), target: undefined });
    return p;
  }
  override backward(label: number, scale: number, binary?: boolean, target?: ArrayLike<number>) {
    this.visits.at(-1)!.target = target && Array.from(target);
    return super.backward(label, scale, binary, target);
  }
}

const config: LoopConfig = { seed: 1, epochs: 3, batchSize: 8, learningRate: 1e-2, clipNorm: 5, dropout: 0.5 };

describe('self-distillation (LoopConfig.selfDistill)', () => {
  it("mixes each text's label with its previous-epoch answer, weight 0, A/2, A over three epochs", () => {
    const set = toySet(40, 1);
    const net = new RecordingNetwork(set);
    runMinibatches(net, set, { ...config, selfDistill: 0.6 });
    expect(net.visits).toHaveLength(120);
    const weights = [0, 0.3, 0.6];
    for (let text = 0; text < 40; text++) {
      const visits = net.visits.filter((v) => v.text === text);
      expect(visits).toHaveLength(3); // once per epoch
      expect(visits[0]!.target).toBeUndefined(); // epoch 1: the label alone
      for (const epoch of [1, 2]) {
        const a = weights[epoch]!;
        const expected = visits[epoch - 1]!.answer.map((p, c) => (1 - a) * (c === set.labels[text] ? 1 : 0) + a * p);
        visits[epoch]!.target!.forEach((t, c) => expect(t).toBeCloseTo(expected[c]!, 6));
      }
    }
  });

  it('mixes into given targets (teacher distillation) instead of the label when there are some', () => {
    const set = toySet(16, 2);
    set.targets = Float32Array.from({ length: 16 * 3 }, (_, k) => [0.2, 0.3, 0.5][k % 3]!);
    const net = new RecordingNetwork(set);
    runMinibatches(net, set, { ...config, epochs: 2, selfDistill: 0.5 });
    for (let text = 0; text < 16; text++) {
      const [first, second] = net.visits.filter((v) => v.text === text);
      expect(first!.target).toEqual([0.2, 0.3, 0.5].map((x) => Math.fround(x)));
      second!.target!.forEach((t, c) => expect(t).toBeCloseTo(0.5 * [0.2, 0.3, 0.5][c]! + 0.5 * first!.answer[c]!, 6));
    }
  });

  it('off, training is exactly what it was; on, it still learns the toy task', () => {
    expectOffSameOnLearns({ selfDistill: 0 }, { selfDistill: 0.5 });
  });

  it('refuses binary-corpus rows (masked loss) and weights outside [0, 1)', () => {
    const set = packSequences([[2, 5, 3], [2, 7, 3]], [0, 2], [1, 1]);
    expect(() => runMinibatches(new RecordingNetwork(set), set, { ...config, selfDistill: 0.5 })).toThrow(/three-class/);
    const plain = toySet(4, 5);
    expect(() => runMinibatches(new RecordingNetwork(plain), plain, { ...config, selfDistill: 1 })).toThrow(/\[0, 1\)/);
  });
});
