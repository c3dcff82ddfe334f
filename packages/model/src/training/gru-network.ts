// Forward and backward pass of the classifier for one sequence at a time (no padding work):
// embeddings → bidirectional GRU (ONNX equations, linear_before_reset=1) → max over time of [fwd; bwd]
// (and, with pooling max+mean, their mean over time after it) → dropout → dense → softmax.
// Generic over Float32 (training) and Float64 (gradient checks).
// Hot loops use flat arrays and preallocated buffers only: this is where training time goes.
import { affine, outerAndTranspose } from './gru-kernels.js';
import { lossGradient, softmaxInPlace } from './class-loss.js';
import { pooledSize, zeroParams, type FloatArray, type FloatArrayConstructor, type GruParams } from './gru-params.js';

export class GruNetwork {
  readonly grads: GruParams;
  /** Embedding rows with a gradient since the last zeroGrads (lazy Adam updates only these). */
  readonly touchedRows: Int32Array;
  touchedCount = 0;
  private readonly touched: Uint8Array;
  private readonly Ctor: FloatArrayConstructor;
  /** Pooled vector length: 2H (max) or 4H (max, then mean). */
  private readonly P: number;
  private readonly mean: boolean;
  private capacity = 0;
  // Per-step activations, [direction][step][H], in processing order (backward direction: last real token first).
  private zs!: FloatArray;
  private rs!: FloatArray;
  private hhs!: FloatArray;
  private nhs!: FloatArray;
  private hs!: FloatArray;
  private readonly gx: FloatArray;
  private readonly gh: FloatArray;
  private readonly dgx: FloatArray;
  private readonly dgh: FloatArray;
  private dh: FloatArray;
  private dhPrev: FloatArray;
  private readonly dx: FloatArray;
  private readonly pooled: FloatArray;
  private readonly argmax: Int32Array;
  private readonly mask: FloatArray;
  private readonly dropped: FloatArray;
  private readonly dpooled: FloatArray;
  private readonly dlogits: FloatArray;
  /** Class probabilities of the last forward pass. */
  readonly probs: FloatArray;
  private ids: Int32Array = new Int32Array(0);
  private start = 0;
  private length = 0;

  constructor(readonly params: GruParams) {
    const { vocab, embed: E, hidden: H, classes: C } = params.shape;
    this.Ctor = params.dense.constructor as FloatArrayConstructor;
    const Ctor = this.Ctor;
    this.grads = zeroParams(params.shape, Ctor);
    this.touched = new Uint8Array(vocab);
    this.touchedRows = new Int32Array(vocab);
    this.gx = new Ctor(3 * H);
    this.gh = new Ctor(3 * H);
    this.dgx = new Ctor(3 * H);
    this.dgh = new Ctor(3 * H);
    this.dh = new Ctor(H);
    this.dhPrev = new Ctor(H);
    this.dx = new Ctor(E);
    this.P = pooledSize(params.shape);
    this.mean = this.P > 2 * H;
    this.pooled = new Ctor(this.P);
    this.argmax = new Int32Array(2 * H);
    this.mask = new Ctor(this.P);
    this.dropped = new Ctor(this.P);
    this.dpooled = new Ctor(this.P);
    this.dlogits = new Ctor(C);
    this.probs = new Ctor(C);
    this.reserve(64);
  }

  private reserve(steps: number): void {
    if (steps <= this.capacity) return;
    this.capacity = Math.max(steps, this.capacity * 2);
    const n = 2 * this.capacity * this.params.shape.hidden;
    this.zs = new this.Ctor(n);
    this.rs = new this.Ctor(n);
    this.hhs = new this.Ctor(n);
    this.nhs = new this.Ctor(n);
    this.hs = new this.Ctor(n);
  }

  /**
   * Runs ids[start .. start+length) through the network; `dropoutRandom` (training only) draws the dropout mask
   * on the pooled vector with keep probability 1 - `dropout`. Returns the class probabilities (an internal buffer).
   */
  forward(ids: Int32Array, start: number, length: number, dropoutRandom: (() => number) | null = null, dropout = 0.5): FloatArray {
    if (length < 1) throw new Error('empty sequence');
    this.reserve(length);
    this.ids = ids;
    this.start = start;
    this.length = length;
    const { embed: E, hidden: H, classes: C } = this.params.shape;
    const G = 3 * H;
    const { emb, W, R, B, Wd, bd } = this.params;
    const { gx, gh, zs, rs, hhs, nhs, hs, pooled, argmax, P, mean } = this;
    pooled.fill(-Infinity, 0, 2 * H);
    pooled.fill(0, 2 * H);
    for (let d = 0; d < 2; d++) {
      const wOff = d * G * E;
      const rOff = d * G * H;
      const bOff = d * 2 * G;
      const base = d * this.capacity * H;
      for (let s = 0; s < length; s++) {
        const pos = d === 0 ? s : length - 1 - s;
        const xOff = ids[start + pos]! * E;
        const hPrev = s > 0 ? base + (s - 1) * H : -1;
        affine(gx, B, bOff, W, wOff, G, E, emb, xOff);
        if (hPrev >= 0) affine(gh, B, bOff + G, R, rOff, G, H, hs, hPrev);
        else for (let i = 0; i < G; i++) gh[i] = B[bOff + G + i]!;
        const o = base + s * H;
        for (let k = 0; k < H; k++) {
          const z = 1 / (1 + Math.exp(-(gx[k]! + gh[k]!)));
          const r = 1 / (1 + Math.exp(-(gx[H + k]! + gh[H + k]!)));
          const nh = gh[2 * H + k]!;
          const hh = Math.tanh(gx[2 * H + k]! + r * nh);
          const hp = hPrev >= 0 ? hs[hPrev + k]! : 0;
          const h = (1 - z) * hh + z * hp;
          zs[o + k] = z;
          rs[o + k] = r;
          nhs[o + k] = nh;
          hhs[o + k] = hh;
          hs[o + k] = h;
          // Compare the stored value, so training pools exactly what it stored.
          const pk = d * H + k;
          if (hs[o + k]! > pooled[pk]!) {
            pooled[pk] = hs[o + k]!;
            argmax[pk] = s;
          }
          if (mean) pooled[2 * H + pk] += hs[o + k]!;
        }
      }
    }
    if (mean) for (let k = 2 * H; k < P; k++) pooled[k] /= length;
    const { mask, dropped, probs } = this;
    const keep = 1 - dropout;
    for (let k = 0; k < P; k++) {
      mask[k] = dropoutRandom ? (dropoutRandom() < keep ? 1 / keep : 0) : 1;
      dropped[k] = pooled[k]! * mask[k]!;
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      let l = bd[c]!;
      for (let k = 0; k < P; k++) l += dropped[k]! * Wd[k * C + c]!;
      probs[c] = l;
      if (l > max) max = l;
    }
    softmaxInPlace(probs, probs, max);
    return probs;
  }

  /**
   * Adds scale × ∂(−log p[label])/∂θ of the last forward pass to `grads`. `binary`: the example comes from a
   * binary corpus, so p is renormalised over the classes it could have (see class-loss.ts).
   */
  backward(label: number, scale: number, binary = false, target?: ArrayLike<number>): void {
    const { classes: C } = this.params.shape;
    const { Wd } = this.params;
    const g = this.grads;
    const { dpooled, dlogits, mask, dropped, probs, P } = this;
    lossGradient(probs, label, scale, binary, dlogits, target);
    for (let c = 0; c < C; c++) g.bd[c] += dlogits[c]!;
    for (let k = 0; k < P; k++) {
      let s = 0;
      for (let c = 0; c < C; c++) {
        g.Wd[k * C + c] += dropped[k]! * dlogits[c]!;
        s += Wd[k * C + c]! * dlogits[c]!;
      }
      dpooled[k] = s * mask[k]!;
    }
    this.throughTime(null);
  }

  /** The GRU states of the last forward pass; `stateOffset` says where one step's H values start. */
  get stateData(): FloatArray {
    return this.hs;
  }

  /** Offset in `stateData` of direction `d`'s state after step `s` (processing order). */
  stateOffset(d: number, s: number): number {
    return (d * this.capacity + s) * this.params.shape.hidden;
  }

  /**
   * Adds the gradient of a loss on the GRU's states at every step (not on the pooled vector) to `grads`:
   * `dStates` is [direction][step][H], steps in processing order (the backward direction's step 0 reads the
   * last token), each of `length` steps of the last forward pass. The language-model pre-training uses it.
   */
  backwardStates(dStates: ArrayLike<number>): void {
    const H = this.params.shape.hidden;
    if (dStates.length < 2 * this.length * H) throw new Error(`dStates holds ${dStates.length} values, the last pass needs ${2 * this.length * H}`);
    this.throughTime(dStates);
  }

  /** Backpropagation through time, from the pooled vector's gradient (dpooled) or from per-step state gradients. */
  private throughTime(dStates: ArrayLike<number> | null): void {
    const { embed: E, hidden: H } = this.params.shape;
    const G = 3 * H;
    const { emb, W, R } = this.params;
    const g = this.grads;
    const { ids, start, length, zs, rs, hhs, nhs, hs, dgx, dgh, dx, argmax, dpooled, mean } = this;
    for (let d = 0; d < 2; d++) {
      const wOff = d * G * E;
      const rOff = d * G * H;
      const bOff = d * 2 * G;
      const base = d * this.capacity * H;
      this.dh.fill(0);
      for (let s = length - 1; s >= 0; s--) {
        const dh = this.dh;
        const dhPrev = this.dhPrev;
        const pos = d === 0 ? s : length - 1 - s;
        const id = ids[start + pos]!;
        const xOff = id * E;
        const o = base + s * H;
        const hPrev = s > 0 ? o - H : -1;
        if (dStates) {
          const at = (d * length + s) * H;
          for (let k = 0; k < H; k++) dh[k] += dStates[at + k]!;
        } else {
          for (let k = 0; k < H; k++) if (argmax[d * H + k] === s) dh[k] += dpooled[d * H + k]!;
          if (mean) for (let k = 0; k < H; k++) dh[k] += dpooled[2 * H + d * H + k]! / length;
        }
        for (let k = 0; k < H; k++) {
          const z = zs[o + k]!;
          const r = rs[o + k]!;
          const hh = hhs[o + k]!;
          const hp = hPrev >= 0 ? hs[hPrev + k]! : 0;
          const gk = dh[k]!;
          const dah = gk * (1 - z) * (1 - hh * hh);
          const daz = gk * (hp - hh) * z * (1 - z);
          const dar = dah * nhs[o + k]! * r * (1 - r);
          dhPrev[k] = gk * z;
          dgx[k] = daz;
          dgx[H + k] = dar;
          dgx[2 * H + k] = dah;
          dgh[k] = daz;
          dgh[H + k] = dar;
          dgh[2 * H + k] = dah * r;
        }
        // Input weights: dW += dgx ⊗ x and dx = Wᵀ dgx in one pass over W.
        dx.fill(0);
        for (let i = 0; i < G; i++) g.B[bOff + i] += dgx[i]!;
        outerAndTranspose(g.W, W, wOff, G, E, dgx, emb, xOff, dx);
        if (this.touched[id] === 0) {
          this.touched[id] = 1;
          this.touchedRows[this.touchedCount++] = id;
        }
        for (let j = 0; j < E; j++) g.emb[xOff + j] += dx[j]!;
        // Recurrent weights: dR += dgh ⊗ h_prev and dh_prev += Rᵀ dgh (h_prev is 0 at the first step).
        for (let i = 0; i < G; i++) g.B[bOff + G + i] += dgh[i]!;
        if (hPrev >= 0) outerAndTranspose(g.R, R, rOff, G, H, dgh, hs, hPrev, dhPrev);
        this.dh = dhPrev;
        this.dhPrev = dh;
      }
    }
  }

  zeroGrads(): void {
    this.grads.dense.fill(0);
    const E = this.params.shape.embed;
    for (let t = 0; t < this.touchedCount; t++) {
      const id = this.touchedRows[t]!;
      this.grads.emb.fill(0, id * E, (id + 1) * E);
      this.touched[id] = 0;
    }
    this.touchedCount = 0;
  }
}
