import { describe, expect, it } from 'vitest';
import { bagToOnnx } from '../../src/export/bag-onnx.js';
import { paddedBatch } from '../../src/export/onnx-eval.js';
import { createOnnxModel } from '../../src/onnx-session.js';
import { BagNetwork } from '../../src/training/bag-network.js';
import { bigramBucket, initBagParams, type BagParams, type BagShape, type FloatArray } from '../../src/training/bag-params.js';
import { packSequences } from '../../src/training/encoded-set.js';
import { mulberry32 } from '../../src/training/prng.js';
import { DEFAULT_BAG_TRAIN_CONFIG, evaluateBag, trainBag } from '../../src/training/train-bag.js';
import { all, maxRelativeError as relativeError } from '../fixtures/gradient-check.js';

/** Random weights of a visible size, non-zero biases (initBagParams leaves them at 0). */
function randomParams(shape: BagShape, seed: number, Ctor: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array): BagParams {
  const p = initBagParams(shape, seed, Ctor);
  const random = mulberry32(seed + 100);
  for (const a of [p.b1, p.b2]) for (let i = 0; i < a.length; i++) a[i] = random() - 0.5;
  for (const a of [p.emb, p.W1, p.W2]) for (let i = 0; i < a.length; i++) a[i] = (random() - 0.5) * 1.5;
  return p;
}

describe('bag network gradients', () => {
  const shape = { vocab: 9, embed: 4, buckets: 7, hidden: 5, classes: 3 };
  const ids = Int32Array.from([2, 5, 7, 5, 8, 3]);
  const maxRelativeError = (values: FloatArray, grads: FloatArray, indices: number[], loss: () => number) =>
    relativeError(values, grads, indices, loss, 1e-4);

  const cases = [
    { label: 2, binary: false, dropout: false },
    { label: 1, binary: false, dropout: true },
    { label: 0, binary: true, dropout: false },
    { label: 2, binary: true, dropout: true },
  ];
  for (const { label, binary, dropout } of cases) {
    it(`match central differences (label ${label}${binary ? ', binary' : ''}${dropout ? ', dropout' : ''})`, () => {
      const params = randomParams(shape, 7, Float64Array);
      const net = new BagNetwork(params);
      // A fresh generator per evaluation gives the same dropout mask every time.
      const loss = () => {
        const p = net.forward(ids, 0, ids.length, dropout ? mulberry32(3) : null, 0.4);
        return -Math.log(binary ? p[label]! / (p[0]! + p[2]!) : p[label]!);
      };
      const expected = loss();
      expect(net.backward(label, 1, binary)).toBeCloseTo(expected, 12);
      const g = net.grads;
      for (const k of ['W1', 'b1', 'W2', 'b2'] as const) {
        expect(maxRelativeError(params[k], g[k], all(params[k].length), loss), k).toBeLessThan(1e-5);
      }
      const bigramRows = [...ids].slice(1).map((b, t) => shape.vocab + bigramBucket(ids[t]!, b, shape.buckets));
      const rows = [...new Set([...ids, ...bigramRows])];
      const elements = rows.flatMap((r) => all(shape.embed).map((j) => r * shape.embed + j));
      expect(maxRelativeError(params.emb, g.emb, elements, loss)).toBeLessThan(1e-5);
      // Unused rows have no gradient and are not marked touched.
      for (let r = 0; r < shape.vocab + shape.buckets; r++) {
        if (!rows.includes(r)) expect(g.emb.subarray(r * shape.embed, (r + 1) * shape.embed).every((v) => v === 0)).toBe(true);
      }
      expect(Array.from(net.touchedRows.subarray(0, net.touchedCount)).sort((a, b) => a - b)).toEqual(rows.sort((a, b) => a - b));
      if (binary) {
        // The neutral class gets no gradient: its output bias and row of W2 are untouched.
        expect(g.b2[1]).toBe(0);
        for (let j = 0; j < shape.hidden; j++) expect(g.W2[shape.hidden + j]).toBe(0);
      }
    });
  }

  it('scales gradients by the batch factor and clears them', () => {
    const net = new BagNetwork(randomParams(shape, 8, Float64Array));
    net.forward(ids, 0, ids.length);
    net.backward(1, 1);
    const full = Float64Array.from(net.grads.dense);
    net.zeroGrads();
    expect(net.grads.dense.every((v) => v === 0)).toBe(true);
    expect(net.grads.emb.every((v) => v === 0)).toBe(true);
    expect(net.touchedCount).toBe(0);
    net.forward(ids, 0, ids.length);
    net.backward(1, 0.25);
    net.grads.dense.forEach((v, i) => expect(v).toBeCloseTo(full[i]! * 0.25, 12));
  });
});

// Toy language: [CLS] noise… [SEP] with one signal token (5 → negative, 6 → neutral, 7 → positive) somewhere;
// a fifth of the rows are "binary corpus" rows (negative or positive only).
function toySet(n: number, seed: number) {
  const random = mulberry32(seed);
  const sequences: number[][] = [];
  const labels: number[] = [];
  const binary: number[] = [];
  for (let i = 0; i < n; i++) {
    const isBinary = random() < 0.2;
    const label = isBinary ? (random() < 0.5 ? 0 : 2) : Math.floor(random() * 3);
    const body = Array.from({ length: 1 + Math.floor(random() * 10) }, () => 8 + Math.floor(random() * 22));
    body.splice(Math.floor(random() * (body.length + 1)), 0, 5 + label);
    sequences.push([2, ...body, 3]);
    labels.push(label);
    binary.push(isBinary ? 1 : 0);
  }
  return packSequences(sequences, labels, binary);
}

describe('trainBag', () => {
  const shape = { vocab: 30, embed: 8, buckets: 64, hidden: 8, classes: 3 };
  const config = { ...DEFAULT_BAG_TRAIN_CONFIG, shape, seed: 1, epochs: 4, batchSize: 16, learningRate: 1e-2 };

  it('learns a separable three-class toy task', () => {
    const train = toySet(1000, 1);
    const test = toySet(300, 2);
    expect(train.binary).toBeDefined();
    const untrained = evaluateBag(trainBag(train, { ...config, epochs: 0 }), test);
    const losses: number[] = [];
    const devAccuracy: number[] = [];
    const params = trainBag(train, config, (p) => losses.push(p.meanLoss), test, (_, dev) => devAccuracy.push(dev!.accuracy));
    const { accuracy, probs } = evaluateBag(params, test);
    expect(untrained.accuracy).toBeLessThan(0.6);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(devAccuracy).toHaveLength(4);
    expect(devAccuracy[3]).toBe(accuracy);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    for (let i = 0; i < 10; i++) expect(probs[3 * i]! + probs[3 * i + 1]! + probs[3 * i + 2]!).toBeCloseTo(1, 5);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const train = toySet(100, 3);
    const small = { ...config, epochs: 1 };
    const a = trainBag(train, small);
    const b = trainBag(train, small);
    const c = trainBag(train, { ...small, seed: 2 });
    expect(Array.from(a.dense)).toEqual(Array.from(b.dense));
    expect(Array.from(a.emb)).toEqual(Array.from(b.emb));
    expect(Array.from(a.dense)).not.toEqual(Array.from(c.dense));
  });

  it('scores binary rows by negative vs positive only', () => {
    const params = initBagParams(shape, 1);
    // Neutral always wins the full argmax; on binary rows the larger of classes 0 and 2 decides.
    params.b2.set([0, 5, 1]);
    const set = packSequences([[2, 3], [2, 3], [2, 3]], [1, 2, 2], [0, 1, 0]);
    expect(evaluateBag(params, set).accuracy).toBeCloseTo(2 / 3, 10);
  });
});

describe('bigramBucket', () => {
  it('equals the int64 residue for prime and power-of-two tables', () => {
    const random = mulberry32(5);
    for (const buckets of [7, 4099, 65536, 262144]) {
      for (let i = 0; i < 1000; i++) {
        const a = Math.floor(random() * 200000);
        const b = Math.floor(random() * 200000);
        expect(bigramBucket(a, b, buckets)).toBe(Number((BigInt(a) * 1000003n + BigInt(b)) % BigInt(buckets)));
      }
    }
  });
});

describe('ONNX export of a bag model', () => {
  // Ids near the top of a large vocabulary so the int64 bigram hash is exercised beyond 2^32.
  const shape = { vocab: 20000, embed: 6, buckets: 4099, hidden: 7, classes: 3 };
  const sequences = [
    [2, 19999, 8, 19998, 3],
    [2, 11, 3],
    [2, 5, 6, 7, 12, 13, 14, 15, 16, 17000, 5, 6, 3],
    [2, 3],
    [2, 15000, 15000, 3],
  ];
  const set = packSequences(sequences, [0, 1, 2, 0, 1]);

  for (const [temperature, buckets] of [[1, 4099], [1.7, 65536]] as const) {
    it(`matches the training forward pass on a padded batch of mixed lengths (temperature ${temperature}, ${buckets} buckets)`, async () => {
      const params = randomParams({ ...shape, buckets }, 1);
      const model = await createOnnxModel(bagToOnnx(params, { temperature }));
      expect(model.inputNames).toEqual(['input_ids', 'attention_mask']);
      const out = await model.run(paddedBatch(set, 0, sequences.length));
      expect(out.dims).toEqual([sequences.length, 3]);
      const net = new BagNetwork(params);
      sequences.forEach((ids, i) => {
        net.forward(Int32Array.from(ids), 0, ids.length);
        for (let c = 0; c < 3; c++) expect(Math.abs(out.data[i * 3 + c]! - net.logits[c]! / temperature)).toBeLessThan(1e-4);
      });
      // The same text alone (no padding) gives the same logits.
      const alone = await model.run(paddedBatch(set, 1, 2));
      for (let c = 0; c < 3; c++) expect(Math.abs(alone.data[c]! - out.data[3 + c]!)).toBeLessThan(1e-5);
      await model.release();
    });
  }
});
