import { describe, expect, it } from 'vitest';
import { packSequences } from '../../src/training/encoded-set.js';
import { GruNetwork } from '../../src/training/gru-network.js';
import { mulberry32 } from '../../src/training/prng.js';
import { DEFAULT_TRAIN_CONFIG, evaluate, trainGru } from '../../src/training/train-gru.js';

// Toy language: [CLS] filler… [SEP] where positive sequences contain token 5 somewhere and negative ones token 6.
function toySet(n: number, seed: number) {
  const random = mulberry32(seed);
  const sequences: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = random() < 0.5 ? 0 : 1;
    const body = Array.from({ length: 1 + Math.floor(random() * 8) }, () => 7 + Math.floor(random() * 13));
    body.splice(Math.floor(random() * (body.length + 1)), 0, label ? 5 : 6);
    sequences.push([2, ...body, 3]);
    labels.push(label);
  }
  return packSequences(sequences, labels);
}

describe('trainGru', () => {
  const shape = { vocab: 20, embed: 8, hidden: 8, classes: 2 };
  const config = { ...DEFAULT_TRAIN_CONFIG, shape, seed: 1, epochs: 4, batchSize: 16, learningRate: 1e-2 };

  it('learns a separable toy task', () => {
    const train = toySet(600, 1);
    const test = toySet(200, 2);
    const untrained = evaluate(new GruNetwork(trainGru(train, { ...config, epochs: 0 })), test).accuracy;
    const params = trainGru(train, config);
    const accuracy = evaluate(new GruNetwork(params), test).accuracy;
    expect(untrained).toBeLessThan(0.8);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('learns three classes, with binary-corpus rows that only ever say negative or positive', () => {
    // Token 5 → negative, 6 → neutral, 7 → positive; a third of the rows are "binary" (no neutral ones among them).
    const make = (n: number, seed: number) => {
      const random = mulberry32(seed);
      const sequences: number[][] = [];
      const labels: number[] = [];
      const binary: number[] = [];
      for (let i = 0; i < n; i++) {
        const isBinary = random() < 0.33;
        const label = isBinary ? (random() < 0.5 ? 0 : 2) : Math.floor(random() * 3);
        const body = Array.from({ length: 1 + Math.floor(random() * 8) }, () => 8 + Math.floor(random() * 12));
        body.splice(Math.floor(random() * (body.length + 1)), 0, 5 + label);
        sequences.push([2, ...body, 3]);
        labels.push(label);
        binary.push(isBinary ? 1 : 0);
      }
      return packSequences(sequences, labels, binary);
    };
    const params = trainGru(make(900, 4), { ...config, shape: { ...shape, classes: 3 }, epochs: 5 });
    const test = make(300, 5);
    expect(test.binary).toBeDefined();
    const net = new GruNetwork(params);
    expect(evaluate(net, test).accuracy).toBeGreaterThanOrEqual(0.95);
    // Neutral is learned from the three-class rows alone: a text with only the neutral cue answers neutral.
    const p = net.forward(Int32Array.from([2, 9, 6, 11, 3]), 0, 5);
    expect(p[1]).toBeGreaterThan(0.8);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const train = toySet(100, 3);
    const small = { ...config, epochs: 1 };
    const a = trainGru(train, small);
    const b = trainGru(train, small);
    const c = trainGru(train, { ...small, seed: 2 });
    expect(Array.from(a.dense)).toEqual(Array.from(b.dense));
    expect(Array.from(a.emb)).toEqual(Array.from(b.emb));
    expect(Array.from(a.dense)).not.toEqual(Array.from(c.dense));
  });

  it('with word dropout, trains the [UNK] row on the tokens it hides, leaves the data as it was and still learns', () => {
    const train = toySet(600, 1);
    const ids = Array.from(train.ids);
    const unkId = 1; // never in the toy data
    const embedRow = (params: ReturnType<typeof trainGru>) => Array.from(params.emb.subarray(unkId * shape.embed, (unkId + 1) * shape.embed));
    const initial = embedRow(trainGru(train, { ...config, epochs: 0 }));
    const without = trainGru(train, { ...config, wordDropout: 0, unkId });
    const withDropout = trainGru(train, { ...config, wordDropout: 0.2, unkId });
    expect(embedRow(without)).toEqual(initial);
    expect(embedRow(withDropout)).not.toEqual(initial);
    expect(Array.from(train.ids)).toEqual(ids);
    expect(Array.from(without.dense)).toEqual(Array.from(trainGru(train, config).dense));
    expect(evaluate(new GruNetwork(withDropout), toySet(200, 2)).accuracy).toBeGreaterThanOrEqual(0.9);
  });
  it('with target distributions (distillation), learns the targets instead of the labels', () => {
    // Every label says negative; the targets say positive where token 5 is, negative where 6 is.
    const train = toySet(600, 1);
    const cues = toySet(600, 1).labels;
    train.labels.fill(0);
    train.targets = new Float32Array(train.labels.length * 2);
    cues.forEach((cue, i) => train.targets!.set(cue ? [0.1, 0.9] : [0.9, 0.1], i * 2));
    const net = new GruNetwork(trainGru(train, config));
    const positive = net.forward(Int32Array.from([2, 9, 5, 11, 3]), 0, 5)[1]!;
    const negative = net.forward(Int32Array.from([2, 9, 6, 11, 3]), 0, 5)[1]!;
    // Soft targets are learned as probabilities, not pushed to 0 or 1.
    expect(positive).toBeGreaterThan(0.75);
    expect(positive).toBeLessThan(0.97);
    expect(negative).toBeLessThan(0.25);
    expect(Array.from(trainGru({ ...train, targets: undefined }, config).dense)).not.toEqual(Array.from(trainGru(train, config).dense));
  });
});
