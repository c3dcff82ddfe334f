// The two matrix kernels the GRU spends its time in. Four rows at a time so each vector element is loaded
// once per four multiply-adds (faster in V8 than the plain double loop).
import type { FloatArray } from './gru-params.js';

/** out[i] = bias[bOff + i] + Σ_j M[mOff + i·cols + j] · v[vOff + j], for i < rows. */
export function affine(
  out: FloatArray,
  bias: FloatArray,
  bOff: number,
  M: FloatArray,
  mOff: number,
  rows: number,
  cols: number,
  v: FloatArray,
  vOff: number,
): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const r0 = mOff + i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < cols; j++) {
      const x = v[vOff + j]!;
      a0 += M[r0 + j]! * x;
      a1 += M[r1 + j]! * x;
      a2 += M[r2 + j]! * x;
      a3 += M[r3 + j]! * x;
    }
    out[i] = bias[bOff + i]! + a0;
    out[i + 1] = bias[bOff + i + 1]! + a1;
    out[i + 2] = bias[bOff + i + 2]! + a2;
    out[i + 3] = bias[bOff + i + 3]! + a3;
  }
  for (; i < rows; i++) {
    const r0 = mOff + i * cols;
    let a0 = 0;
    for (let j = 0; j < cols; j++) a0 += M[r0 + j]! * v[vOff + j]!;
    out[i] = bias[bOff + i]! + a0;
  }
}

/** gM += g ⊗ v (rows × cols block at mOff) and dv += Mᵀ g, in one pass over M. */
export function outerAndTranspose(
  gM: FloatArray,
  M: FloatArray,
  mOff: number,
  rows: number,
  cols: number,
  g: FloatArray,
  v: FloatArray,
  vOff: number,
  dv: FloatArray,
): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const r0 = mOff + i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    const g0 = g[i]!;
    const g1 = g[i + 1]!;
    const g2 = g[i + 2]!;
    const g3 = g[i + 3]!;
    for (let j = 0; j < cols; j++) {
      const x = v[vOff + j]!;
      gM[r0 + j] += g0 * x;
      gM[r1 + j] += g1 * x;
      gM[r2 + j] += g2 * x;
      gM[r3 + j] += g3 * x;
      dv[j] += g0 * M[r0 + j]! + g1 * M[r1 + j]! + g2 * M[r2 + j]! + g3 * M[r3 + j]!;
    }
  }
  for (; i < rows; i++) {
    const r0 = mOff + i * cols;
    const g0 = g[i]!;
    for (let j = 0; j < cols; j++) {
      gM[r0 + j] += g0 * v[vOff + j]!;
      dv[j] += g0 * M[r0 + j]!;
    }
  }
}
