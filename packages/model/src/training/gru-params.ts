// Parameters of the bidirectional-GRU classifier, stored directly in ONNX layout so export is a copy:
// W [2, 3H, E], R [2, 3H, H], B [2, 6H] = [Wb_z, Wb_r, Wb_h, Rb_z, Rb_r, Rb_h], gates z, r, h; dense [P, C]
// with P = 2H for max pooling ([fwd; bwd] maxima) and 4H for max+mean ([max fwd; max bwd; mean fwd; mean bwd]).
import { mulberry32 } from './prng.js';

export type FloatArray = Float32Array | Float64Array;
export type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

export interface GruShape {
  vocab: number;
  embed: number;
  hidden: number;
  classes: number;
  /** Over time: `max` (the default, and the shipped model's) or `max+mean`, both concatenated. */
  pooling?: GruPooling;
}

export const GRU_POOLINGS = ['max', 'max+mean'] as const;
export type GruPooling = (typeof GRU_POOLINGS)[number];

/** Length of the pooled vector the dense layer reads: 2H per pooling over both directions. */
export function pooledSize({ hidden, pooling = 'max' }: GruShape): number {
  return (pooling === 'max+mean' ? 4 : 2) * hidden;
}

export interface GruParams {
  shape: GruShape;
  /** [vocab, embed]; kept apart from `dense` because it is updated lazily (only rows in the batch). */
  emb: FloatArray;
  /** W, R, B, Wd, bd back to back, so the optimiser treats them as one vector. */
  dense: FloatArray;
  W: FloatArray;
  R: FloatArray;
  B: FloatArray;
  /** [P, classes]: pooled vector × Wd + bd = logits (P: pooledSize). */
  Wd: FloatArray;
  bd: FloatArray;
}

export function denseLayout(shape: GruShape) {
  const { embed: E, hidden: H, classes: C } = shape;
  const sizes = { W: 2 * 3 * H * E, R: 2 * 3 * H * H, B: 2 * 6 * H, Wd: pooledSize(shape) * C, bd: C };
  let offset = 0;
  const at = {} as Record<keyof typeof sizes, [number, number]>;
  for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) {
    at[key] = [offset, offset + sizes[key]];
    offset += sizes[key];
  }
  return { at, total: offset };
}

/** Wraps flat arrays (e.g. received from a worker) as parameters; the views share memory with `dense`. */
export function viewParams(shape: GruShape, emb: FloatArray, dense: FloatArray): GruParams {
  const { at, total } = denseLayout(shape);
  if (dense.length !== total || emb.length !== shape.vocab * shape.embed) throw new Error('parameter sizes do not match shape');
  const view = (k: keyof typeof at) => dense.subarray(at[k][0], at[k][1]);
  return { shape, emb, dense, W: view('W'), R: view('R'), B: view('B'), Wd: view('Wd'), bd: view('bd') };
}

export function zeroParams(shape: GruShape, Ctor: FloatArrayConstructor = Float32Array): GruParams {
  return viewParams(shape, new Ctor(shape.vocab * shape.embed), new Ctor(denseLayout(shape).total));
}

/** Uniform initialisation: embeddings ±0.25, recurrent weights ±1/√H, dense Glorot, biases 0. */
export function initParams(shape: GruShape, seed: number, Ctor: FloatArrayConstructor = Float32Array): GruParams {
  const p = zeroParams(shape, Ctor);
  const random = mulberry32(seed);
  const fill = (a: FloatArray, scale: number) => {
    for (let i = 0; i < a.length; i++) a[i] = (random() * 2 - 1) * scale;
  };
  fill(p.emb, 0.25);
  fill(p.W, 1 / Math.sqrt(shape.hidden));
  fill(p.R, 1 / Math.sqrt(shape.hidden));
  fill(p.Wd, Math.sqrt(6 / (pooledSize(shape) + shape.classes)));
  return p;
}
