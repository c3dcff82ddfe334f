// Adam with global gradient-norm clipping; embedding rows are updated lazily (only rows seen in the batch),
// which keeps a step's cost independent of the vocabulary size.
import type { FloatArray } from './gru-params.js';

/** What Adam needs of a network (GruNetwork and BagNetwork both have it): flat parameters, gradients, touched rows. */
export interface AdamTarget {
  params: { dense: FloatArray; emb: FloatArray; shape: { embed: number } };
  grads: { dense: FloatArray; emb: FloatArray };
  readonly touchedRows: Int32Array;
  touchedCount: number;
  zeroGrads(): void;
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  clipNorm?: number;
}

export class Adam {
  private t = 0;
  private readonly mDense: Float32Array;
  private readonly vDense: Float32Array;
  private readonly mEmb: Float32Array;
  private readonly vEmb: Float32Array;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly clipNorm: number;

  constructor(private readonly net: AdamTarget, { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, clipNorm = 5 }: AdamOptions = {}) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.clipNorm = clipNorm;
    this.mDense = new Float32Array(net.params.dense.length);
    this.vDense = new Float32Array(net.params.dense.length);
    this.mEmb = new Float32Array(net.params.emb.length);
    this.vEmb = new Float32Array(net.params.emb.length);
  }

  /** Applies the accumulated gradients with learning rate `lr`, then clears them. Returns the pre-clip norm. */
  step(lr: number): number {
    const { net } = this;
    const E = net.params.shape.embed;
    const gDense = net.grads.dense;
    const gEmb = net.grads.emb;
    let sq = 0;
    for (let i = 0; i < gDense.length; i++) sq += gDense[i]! * gDense[i]!;
    for (let t = 0; t < net.touchedCount; t++) {
      const off = net.touchedRows[t]! * E;
      for (let j = 0; j < E; j++) sq += gEmb[off + j]! * gEmb[off + j]!;
    }
    const norm = Math.sqrt(sq);
    const clip = norm > this.clipNorm ? this.clipNorm / norm : 1;
    this.t++;
    const stepSize = (lr * Math.sqrt(1 - this.beta2 ** this.t)) / (1 - this.beta1 ** this.t);
    this.update(net.params.dense, gDense, this.mDense, this.vDense, 0, gDense.length, clip, stepSize);
    for (let t = 0; t < net.touchedCount; t++) {
      const off = net.touchedRows[t]! * E;
      this.update(net.params.emb, gEmb, this.mEmb, this.vEmb, off, off + E, clip, stepSize);
    }
    net.zeroGrads();
    return norm;
  }

  private update(p: FloatArray, g: FloatArray, m: Float32Array, v: Float32Array, from: number, to: number, clip: number, stepSize: number) {
    const { beta1, beta2, eps } = this;
    for (let i = from; i < to; i++) {
      const gi = g[i]! * clip;
      const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * gi);
      const vi = (v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi);
      p[i] -= (stepSize * mi) / (Math.sqrt(vi) + eps);
    }
  }
}
