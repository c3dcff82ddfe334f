// The output layer's loss, shared by every architecture: softmax, and the cross-entropy gradient on the
// logits, masked for binary-corpus examples of a three-class model.
import type { FloatArray } from './gru-params.js';

/**
 * Three-class models learn from binary corpora (SST-2) too: for those examples neutral was never an answer,
 * so the loss is a softmax over negative and positive only (the neutral logit gets no gradient).
 */
export function isMasked(c: number, classes: number): boolean {
  return classes === 3 && c === 1;
}

/** Probability mass of the classes a binary example can have. */
export function binaryMass(probs: ArrayLike<number>, classes: number): number {
  let s = 0;
  for (let c = 0; c < classes; c++) if (!isMasked(c, classes)) s += probs[c]!;
  return s;
}

/** The predicted class, over all classes or, for a binary example, over the unmasked ones. */
export function predictedClass(probs: ArrayLike<number>, classes: number, binary = false): number {
  let best = -1;
  for (let c = 0; c < classes; c++) {
    if (binary && isMasked(c, classes)) continue;
    if (best < 0 || probs[c]! > probs[best]!) best = c;
  }
  return best;
}


/**
 * probs = softmax(logits), numerically stable; `probs` may be `logits` itself. `max` is the largest logit as
 * the caller computed it (in double precision before the logits were stored: passing it keeps results
 * bit-identical to the networks' original inline softmax).
 */
export function softmaxInPlace(logits: FloatArray, probs: FloatArray, max = Math.max(...logits)): void {
  let sum = 0;
  for (let c = 0; c < logits.length; c++) sum += probs[c] = Math.exp(logits[c]! - max);
  for (let c = 0; c < logits.length; c++) probs[c] = probs[c]! / sum;
}

/**
 * dlogits = scale × ∂(−log p'[label])/∂logits, p' renormalised over the allowed classes; returns −log p'[label].
 * With `target` (a distribution over the classes: distillation) the loss is the cross-entropy −Σ target · log p
 * instead, whose gradient is scale × (p − target); `label` and `binary` are then not used.
 */
export function lossGradient(probs: ArrayLike<number>, label: number, scale: number, binary: boolean, dlogits: FloatArray, target?: ArrayLike<number>): number {
  const C = dlogits.length;
  if (target) {
    let loss = 0;
    for (let c = 0; c < C; c++) {
      dlogits[c] = (probs[c]! - target[c]!) * scale;
      if (target[c]! > 0) loss -= target[c]! * Math.log(Math.max(probs[c]!, 1e-12));
    }
    return loss;
  }
  if (binary && isMasked(label, C)) throw new Error('binary example labelled neutral');
  const norm = binary ? binaryMass(probs, C) : 1;
  for (let c = 0; c < C; c++) dlogits[c] = binary && isMasked(c, C) ? 0 : (probs[c]! / norm - (c === label ? 1 : 0)) * scale;
  return -Math.log(Math.max(probs[label]! / norm, 1e-12));
}
