import { describe, expect, it } from 'vitest';
import { binaryMass } from '../../src/training/class-loss.js';
import { GruNetwork } from '../../src/training/gru-network.js';
import { initParams, type GruPooling } from '../../src/training/gru-params.js';
import { all, maxRelativeError } from '../fixtures/gradient-check.js';
import { mulberry32 } from '../../src/training/prng.js';

// The same forward/backward code as training, on Float64 parameters so central differences are precise.
const shape = { vocab: 9, embed: 5, hidden: 6, classes: 2 };
const ids = Int32Array.from([2, 5, 7, 5, 8, 3]);

function setup(dropout: boolean, pooling: GruPooling = 'max') {
  const params = initParams({ ...shape, pooling }, 7, Float64Array);
  const random = mulberry32(11);
  // Non-zero biases and larger weights so every gate and both directions matter.
  for (const a of [params.B, params.bd]) for (let i = 0; i < a.length; i++) a[i] = random() - 0.5;
  for (const a of [params.W, params.R, params.emb]) for (let i = 0; i < a.length; i++) a[i] = (random() - 0.5) * 1.5;
  const net = new GruNetwork(params);
  // A fresh generator per evaluation gives the same dropout mask every time.
  const loss = () => {
    const p = net.forward(ids, 0, ids.length, dropout ? mulberry32(3) : null, 0.5);
    return -Math.log(p[1]!);
  };
  return { params, net, loss };
}


/** A three-class network with every weight and bias random (seed `seed`), on Float64 parameters. */
function threeClassNet(seed: number) {
  const params = initParams({ ...shape, classes: 3 }, 5, Float64Array);
  const random = mulberry32(seed);
  for (const a of [params.B, params.bd, params.W, params.R, params.emb]) for (let i = 0; i < a.length; i++) a[i] = (random() - 0.5) * 1.5;
  return { params, net: new GruNetwork(params) };
}

describe('GRU network gradients', () => {
  for (const [dropout, pooling] of [[false, 'max'], [true, 'max'], [true, 'max+mean']] as const) {
    it(`match central differences for every parameter${dropout ? ' (with a dropout mask)' : ''}${pooling === 'max' ? '' : `, pooling ${pooling}`}`, () => {
      const { params, net, loss } = setup(dropout, pooling);
      loss();
      net.backward(1, 1);
      const g = net.grads;
      expect(maxRelativeError(params.W, g.W, all(params.W.length), loss)).toBeLessThan(1e-4);
      expect(maxRelativeError(params.R, g.R, all(params.R.length), loss)).toBeLessThan(1e-4);
      expect(maxRelativeError(params.B, g.B, all(params.B.length), loss)).toBeLessThan(1e-4);
      expect(maxRelativeError(params.Wd, g.Wd, all(params.Wd.length), loss)).toBeLessThan(1e-4);
      expect(maxRelativeError(params.bd, g.bd, all(params.bd.length), loss)).toBeLessThan(1e-4);
      // Embedding rows of the tokens in the sequence (row 5 appears twice), and one unused row with zero gradient.
      const rows = [2, 5, 7, 8, 3].flatMap((r) => all(shape.embed).map((j) => r * shape.embed + j));
      expect(maxRelativeError(params.emb, g.emb, rows, loss)).toBeLessThan(1e-4);
      expect(Array.from(g.emb.subarray(4 * shape.embed, 5 * shape.embed))).toEqual([0, 0, 0, 0, 0]);
      expect(Array.from(net.touchedRows.subarray(0, net.touchedCount)).sort()).toEqual([2, 3, 5, 7, 8]);
    });
  }

  it('for a binary-corpus example of a three-class model, match −log of p renormalised over negative/positive', () => {
    const shape3 = { ...shape, classes: 3 };
    const { params, net } = threeClassNet(13);
    const loss = () => {
      const p = net.forward(ids, 0, ids.length);
      return -Math.log(p[2]! / binaryMass(p, 3));
    };
    loss();
    net.backward(2, 1, true);
    const g = net.grads;
    // The neutral logit (class 1) gets no gradient: the example never had neutral as an answer.
    expect(g.bd[1]).toBe(0);
    for (let k = 0; k < 2 * shape3.hidden; k++) expect(g.Wd[k * 3 + 1]).toBe(0);
    // (The zero neutral entries are checked exactly above; differences there are rounding noise.)
    const polar = (n: number) => all(n).filter((i) => i % 3 !== 1);
    expect(maxRelativeError(params.Wd, g.Wd, polar(params.Wd.length), loss)).toBeLessThan(1e-4);
    expect(maxRelativeError(params.bd, g.bd, polar(params.bd.length), loss)).toBeLessThan(1e-4);
    expect(maxRelativeError(params.W, g.W, all(params.W.length), loss)).toBeLessThan(1e-4);
    expect(maxRelativeError(params.R, g.R, all(params.R.length), loss)).toBeLessThan(1e-4);
  });

  it('with a target distribution (distillation), match the cross-entropy −Σ target · log p', () => {
    const { params, net } = threeClassNet(17);
    const target = [0.1, 0.25, 0.65];
    const loss = () => {
      const p = net.forward(ids, 0, ids.length);
      return -target.reduce((s, t, c) => s + t * Math.log(p[c]!), 0);
    };
    loss();
    // The label is ignored when a target is given: 0 here, while the target leans positive.
    net.backward(0, 1, false, target);
    const g = net.grads;
    expect(maxRelativeError(params.bd, g.bd, all(params.bd.length), loss)).toBeLessThan(1e-4);
    expect(maxRelativeError(params.Wd, g.Wd, all(params.Wd.length), loss)).toBeLessThan(1e-4);
    expect(maxRelativeError(params.W, g.W, all(params.W.length), loss)).toBeLessThan(1e-4);
    expect(maxRelativeError(params.R, g.R, all(params.R.length), loss)).toBeLessThan(1e-4);
  });

  it('from a loss on the states at every step (language-model pre-training), match central differences', () => {
    const { params, net } = threeClassNet(19);
    const H = shape.hidden;
    const random = mulberry32(23);
    // loss = Σ c · h over both directions and every step: each state's gradient is its own weight vector c.
    const weights = Float64Array.from({ length: 2 * ids.length * H }, () => random() - 0.5);
    const loss = () => {
      net.forward(ids, 0, ids.length);
      let l = 0;
      for (let d = 0; d < 2; d++)
        for (let s = 0; s < ids.length; s++) for (let k = 0; k < H; k++) l += weights[(d * ids.length + s) * H + k]! * net.stateData[net.stateOffset(d, s) + k]!;
      return l;
    };
    loss();
    net.backwardStates(weights);
    const g = net.grads;
    expect(maxRelativeError(params.W, g.W, all(params.W.length), loss)).toBeLessThan(1e-4);
    expect(maxRelativeError(params.R, g.R, all(params.R.length), loss)).toBeLessThan(1e-4);
    expect(maxRelativeError(params.B, g.B, all(params.B.length), loss)).toBeLessThan(1e-4);
    const rows = [2, 5, 7, 8, 3].flatMap((r) => all(shape.embed).map((j) => r * shape.embed + j));
    expect(maxRelativeError(params.emb, g.emb, rows, loss)).toBeLessThan(1e-4);
    // The dense layer reads the pooled vector only, so it gets nothing.
    expect(g.Wd.every((v) => v === 0) && g.bd.every((v) => v === 0)).toBe(true);
    expect(() => net.backwardStates(weights.subarray(1))).toThrow(/dStates/);
  });

  it('scales gradients by the batch factor and clears them', () => {
    const { net, loss } = setup(false);
    loss();
    net.backward(1, 1);
    const full = Float64Array.from(net.grads.dense);
    net.zeroGrads();
    expect(net.grads.dense.every((v) => v === 0)).toBe(true);
    expect(net.touchedCount).toBe(0);
    loss();
    net.backward(1, 0.25);
    net.grads.dense.forEach((v, i) => expect(v).toBeCloseTo(full[i]! * 0.25, 12));
  });
});
