// Forward and backward pass of the bag-of-embeddings classifier, one sequence at a time:
// the L unigram rows and L−1 hashed bigram rows → [mean; max] over those 2L−1 vectors (2E) → dense → ReLU
// → dropout → dense → softmax.
// Generic over Float32 (training) and Float64 (gradient checks); preallocated buffers only.
import { lossGradient, softmaxInPlace } from './class-loss.js';
import { affine } from './gru-kernels.js';
import { bigramBucket, zeroBagParams, type BagParams, type FloatArray, type FloatArrayConstructor } from './bag-params.js';

export class BagNetwork {
  readonly grads: BagParams;
  /** Rows of `emb` with a gradient since the last zeroGrads (lazy Adam updates only these). */
  readonly touchedRows: Int32Array;
  touchedCount = 0;
  private readonly touched: Uint8Array;
  /** Table rows of the last sequence's vectors: unigrams, then bigrams. */
  private rows = new Int32Array(128);
  private count = 0;
  private readonly pooled: FloatArray;
  /** Table row holding the max, per dimension. */
  private readonly argRow: Int32Array;
  private readonly pre: FloatArray;
  private readonly mask: FloatArray;
  private readonly hidden: FloatArray;
  private readonly dhidden: FloatArray;
  private readonly active: Int32Array;
  private readonly dactive: FloatArray;
  private readonly dpooled: FloatArray;
  private readonly dlogits: FloatArray;
  /** Logits and class probabilities of the last forward pass. */
  readonly logits: FloatArray;
  readonly probs: FloatArray;

  constructor(readonly params: BagParams) {
    const { vocab, buckets, embed: E, hidden: Hd, classes: C } = params.shape;
    const Ctor = params.dense.constructor as FloatArrayConstructor;
    this.grads = zeroBagParams(params.shape, Ctor);
    this.touched = new Uint8Array(vocab + buckets);
    this.touchedRows = new Int32Array(vocab + buckets);
    this.pooled = new Ctor(2 * E);
    this.argRow = new Int32Array(E);
    this.pre = new Ctor(Hd);
    this.mask = new Ctor(Hd);
    this.hidden = new Ctor(Hd);
    this.dhidden = new Ctor(Hd);
    this.active = new Int32Array(Hd);
    this.dactive = new Ctor(Hd);
    this.dpooled = new Ctor(2 * E);
    this.dlogits = new Ctor(C);
    this.logits = new Ctor(C);
    this.probs = new Ctor(C);
  }

  /**
   * Runs ids[start .. start+length) through the network; `dropoutRandom` (training only) draws the dropout mask
   * on the hidden layer with keep probability 1 - `dropout`. Returns the class probabilities (an internal buffer).
   */
  forward(ids: Int32Array, start: number, length: number, dropoutRandom: (() => number) | null = null, dropout = 0.3): FloatArray {
    if (length < 1) throw new Error('empty sequence');
    const { vocab: V, buckets, embed: E, hidden: Hd, classes: C } = this.params.shape;
    const { emb, W1, b1, W2, b2 } = this.params;
    const n = 2 * length - 1;
    if (this.rows.length < n) this.rows = new Int32Array(2 * n);
    const { rows, pooled, argRow, pre, mask, hidden, logits, probs } = this;
    for (let t = 0; t < length; t++) rows[t] = ids[start + t]!;
    for (let t = 0; t + 1 < length; t++) rows[length + t] = V + bigramBucket(ids[start + t]!, ids[start + t + 1]!, buckets);
    this.count = n;
    for (let k = 0; k < E; k++) {
      pooled[k] = 0;
      pooled[E + k] = -Infinity;
    }
    for (let v = 0; v < n; v++) {
      const row = rows[v]!;
      const off = row * E;
      for (let k = 0; k < E; k++) {
        const x = emb[off + k]!;
        pooled[k] += x;
        if (x > pooled[E + k]!) {
          pooled[E + k] = x;
          argRow[k] = row;
        }
      }
    }
    for (let k = 0; k < E; k++) pooled[k] = pooled[k]! / n;
    const keep = 1 - dropout;
    affine(pre, b1, 0, W1, 0, Hd, 2 * E, pooled, 0);
    for (let j = 0; j < Hd; j++) {
      mask[j] = dropoutRandom ? (dropoutRandom() < keep ? 1 / keep : 0) : 1;
      hidden[j] = pre[j]! > 0 ? pre[j]! * mask[j]! : 0;
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      let l = b2[c]!;
      const off = c * Hd;
      for (let j = 0; j < Hd; j++) l += W2[off + j]! * hidden[j]!;
      logits[c] = l;
      if (l > max) max = l;
    }
    softmaxInPlace(logits, probs, max);
    return probs;
  }

  /**
   * Adds scale × ∂loss/∂θ of the last forward pass to `grads` and returns the loss, −log p[label]; for a `binary`
   * example of a 3-class model the softmax is renormalised over classes 0 and 2 (class 1 gets no gradient).
   */
  backward(label: number, scale: number, binary = false, target?: ArrayLike<number>): number {
    const { embed: E, hidden: Hd, classes: C } = this.params.shape;
    const { W1, W2 } = this.params;
    const g = this.grads;
    const { rows, count: n, pooled, argRow, pre, mask, hidden, dhidden, active, dactive, dpooled, dlogits, probs } = this;
    const loss = lossGradient(probs, label, scale, binary, dlogits, target);
    dhidden.fill(0);
    for (let c = 0; c < C; c++) {
      const d = dlogits[c]!;
      if (d === 0) continue;
      g.b2[c] += d;
      const off = c * Hd;
      for (let j = 0; j < Hd; j++) {
        g.W2[off + j] += d * hidden[j]!;
        dhidden[j] += W2[off + j]! * d;
      }
    }
    // Units cut by the ReLU or by dropout pass no gradient (about half of them): only active rows of W1 are visited.
    let m = 0;
    for (let j = 0; j < Hd; j++) {
      const d = pre[j]! > 0 ? dhidden[j]! * mask[j]! : 0;
      if (d === 0) continue;
      g.b1[j] += d;
      active[m] = j;
      dactive[m++] = d;
    }
    dpooled.fill(0);
    sparseOuterAndTranspose(g.W1, W1, 2 * E, active, dactive, m, pooled, dpooled);
    // Mean: every vector gets dpooled[0:E] / n; max: only the row holding it, per dimension.
    for (let k = 0; k < E; k++) dpooled[k] = dpooled[k]! / n;
    for (let v = 0; v < n; v++) {
      const row = rows[v]!;
      if (this.touched[row] === 0) {
        this.touched[row] = 1;
        this.touchedRows[this.touchedCount++] = row;
      }
      const off = row * E;
      for (let k = 0; k < E; k++) g.emb[off + k] += dpooled[k]!;
    }
    for (let k = 0; k < E; k++) g.emb[argRow[k]! * E + k] += dpooled[E + k]!;
    return loss;
  }

  zeroGrads(): void {
    this.grads.dense.fill(0);
    const E = this.params.shape.embed;
    for (let t = 0; t < this.touchedCount; t++) {
      const row = this.touchedRows[t]!;
      this.grads.emb.fill(0, row * E, (row + 1) * E);
      this.touched[row] = 0;
    }
    this.touchedCount = 0;
  }
}

/** gM[j] += d_j · v and dv += d_j · M[j] over the listed rows j = rows[i] (d_j = d[i]), four rows per pass over v. */
function sparseOuterAndTranspose(gM: FloatArray, M: FloatArray, cols: number, rows: Int32Array, d: FloatArray, count: number, v: FloatArray, dv: FloatArray): void {
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const r0 = rows[i]! * cols;
    const r1 = rows[i + 1]! * cols;
    const r2 = rows[i + 2]! * cols;
    const r3 = rows[i + 3]! * cols;
    const d0 = d[i]!;
    const d1 = d[i + 1]!;
    const d2 = d[i + 2]!;
    const d3 = d[i + 3]!;
    for (let k = 0; k < cols; k++) {
      const x = v[k]!;
      gM[r0 + k] += d0 * x;
      gM[r1 + k] += d1 * x;
      gM[r2 + k] += d2 * x;
      gM[r3 + k] += d3 * x;
      dv[k] += d0 * M[r0 + k]! + d1 * M[r1 + k]! + d2 * M[r2 + k]! + d3 * M[r3 + k]!;
    }
  }
  for (; i < count; i++) {
    const r0 = rows[i]! * cols;
    const d0 = d[i]!;
    for (let k = 0; k < cols; k++) {
      gM[r0 + k] += d0 * v[k]!;
      dv[k] += d0 * M[r0 + k]!;
    }
  }
}
