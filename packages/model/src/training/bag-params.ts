// Parameters of the fastText-style bag-of-embeddings classifier. The unigram table [V, E] and the hashed bigram
// table [Bk, E] share one flat array `emb` (bigram bucket k is row V + k), so lazy Adam sees a single table.
// dense = W1 [Hd, 2E], b1 [Hd], W2 [C, Hd], b2 [C] back to back: out × in (ONNX Gemm with transB=1), so each
// output is a contiguous dot product.
import { mulberry32 } from './prng.js';
import type { FloatArray, FloatArrayConstructor } from './gru-params.js';

export type { FloatArray, FloatArrayConstructor };

export interface BagShape {
  vocab: number;
  embed: number;
  /** Rows of the hashed bigram table. */
  buckets: number;
  hidden: number;
  classes: number;
}

/** E=64, Hd=64; 2^16 buckets keeps the ONNX file under 20 MiB at V=16000 ((16000 + 65536) × 64 float32). */
export const DEFAULT_BAG_SHAPE: Omit<BagShape, 'vocab' | 'classes'> = { embed: 64, buckets: 65536, hidden: 64 };

export const BIGRAM_MULTIPLIER = 1000003;

/**
 * Bucket of the bigram (a, b). Exact in float64 while a × 1000003 + b < 2^53 (a < 9·10^9), so it equals the
 * ONNX graph's int64 Mod(a × 1000003 + b, buckets) for any real vocabulary.
 */
export function bigramBucket(a: number, b: number, buckets: number): number {
  // Power-of-two tables: the same residue from int32 arithmetic, which V8 does without a float modulo.
  if ((buckets & (buckets - 1)) === 0) return (Math.imul(a, BIGRAM_MULTIPLIER) + b) & (buckets - 1);
  return (a * BIGRAM_MULTIPLIER + b) % buckets;
}

export interface BagParams {
  shape: BagShape;
  /** [vocab + buckets, embed]: unigram rows, then bigram rows; updated lazily. */
  emb: FloatArray;
  unigram: FloatArray;
  bigram: FloatArray;
  dense: FloatArray;
  W1: FloatArray;
  b1: FloatArray;
  W2: FloatArray;
  b2: FloatArray;
}

export function bagDenseLayout({ embed: E, hidden: Hd, classes: C }: BagShape) {
  const sizes = { W1: Hd * 2 * E, b1: Hd, W2: C * Hd, b2: C };
  let offset = 0;
  const at = {} as Record<keyof typeof sizes, [number, number]>;
  for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) {
    at[key] = [offset, offset + sizes[key]];
    offset += sizes[key];
  }
  return { at, total: offset };
}

/** Wraps flat arrays (e.g. received from a worker) as parameters; the views share memory with them. */
export function viewBagParams(shape: BagShape, emb: FloatArray, dense: FloatArray): BagParams {
  const { at, total } = bagDenseLayout(shape);
  const V = shape.vocab * shape.embed;
  if (dense.length !== total || emb.length !== V + shape.buckets * shape.embed) throw new Error('parameter sizes do not match shape');
  const view = (k: keyof typeof at) => dense.subarray(at[k][0], at[k][1]);
  return {
    shape,
    emb,
    unigram: emb.subarray(0, V),
    bigram: emb.subarray(V),
    dense,
    W1: view('W1'),
    b1: view('b1'),
    W2: view('W2'),
    b2: view('b2'),
  };
}

export function zeroBagParams(shape: BagShape, Ctor: FloatArrayConstructor = Float32Array): BagParams {
  return viewBagParams(shape, new Ctor((shape.vocab + shape.buckets) * shape.embed), new Ctor(bagDenseLayout(shape).total));
}

/** Uniform initialisation: embeddings ±1/√E, dense layers Glorot, biases 0. */
export function initBagParams(shape: BagShape, seed: number, Ctor: FloatArrayConstructor = Float32Array): BagParams {
  const p = zeroBagParams(shape, Ctor);
  const random = mulberry32(seed);
  const fill = (a: FloatArray, scale: number) => {
    for (let i = 0; i < a.length; i++) a[i] = (random() * 2 - 1) * scale;
  };
  const { embed: E, hidden: Hd, classes: C } = shape;
  fill(p.emb, 1 / Math.sqrt(E));
  fill(p.W1, Math.sqrt(6 / (2 * E + Hd)));
  fill(p.W2, Math.sqrt(6 / (Hd + C)));
  return p;
}
