// Progressive self-distillation in the shared training loop: from the second epoch on, each text learns a mix
// of its label and the network's own answer to it one epoch earlier, the mix's weight growing to the option's.
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
    const train = toySet(600, 3);
    const base = { ...DEFAULT_TRAIN_CONFIG, shape, seed: 1, epochs: 4, batchSize: 16, learningRate: 1e-2 };
    const without = trainGru(train, base);
    expect(trainGru(train, { ...base, selfDistill: 0 }).dense).toEqual(without.dense);
    const withSelf = trainGru(train, { ...base, selfDistill: 0.5 });
    expect(withSelf.dense).not.toEqual(without.dense);
    const test = toySet(200, 4);
    const accuracy = (params: typeof without) => {
      const net = new GruNetwork(params);
      let right = 0;
      for (let i = 0; i < 200; i++) {
        const p = net.forward(test.ids, test.offsets[i]!, test.offsets[i + 1]! - test.offsets[i]!);
        if (p.indexOf(Math.max(...p)) === test.labels[i]) right++;
      }
      return right / 200;
    };
    expect(accuracy(withSelf)).toBeGreaterThanOrEqual(0.95);
  });

  it('refuses binary-corpus rows (masked loss) and weights outside [0, 1)', () => {
    const set = packSequences([[2, 5, 3], [2, 7, 3]], [0, 2], [1, 1]);
    expect(() => runMinibatches(new RecordingNetwork(set), set, { ...config, selfDistill: 0.5 })).toThrow(/three-class/);
    const plain = toySet(4, 5);
    expect(() => runMinibatches(new RecordingNetwork(plain), plain, { ...config, selfDistill: 1 })).toThrow(/\[0, 1\)/);
  });
});
