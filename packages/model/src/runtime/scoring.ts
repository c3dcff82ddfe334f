// Turns one row of logits into a Classification.
import type { Classification, SentimentLabel } from '../classifier.js';

/**
 * Default abstention threshold for binary (negative/positive) models: a top probability below 0.6 answers
 * `neutral`. A binary model has no neutral class, and on neutral or mixed text its two probabilities land
 * near 0.5. For sentiment-sst2-v1 on SST-2 dev, the answers below 0.6 are about a coin flip, and going
 * higher removes answers that are mostly right (its model card has the figures). `npm run eval:model`
 * prints them for any model.
 */
export const DEFAULT_NEUTRAL_THRESHOLD = 0.6;

/** Numerically stable softmax of logits[offset .. offset+count). */
export function softmax(logits: ArrayLike<number>, offset: number, count: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < count; i++) max = Math.max(max, logits[offset + i]!);
  const exps = new Array<number>(count);
  let sum = 0;
  for (let i = 0; i < count; i++) sum += exps[i] = Math.exp(logits[offset + i]! - max);
  for (let i = 0; i < count; i++) exps[i]! /= sum;
  return exps;
}

/**
 * `neutralThreshold` only applies to models without their own neutral class; 0 disables abstention.
 */
export function toClassification(probs: number[], labels: readonly SentimentLabel[], neutralThreshold: number): Classification {
  const scores: Classification['scores'] = {};
  let top = 0;
  for (let i = 0; i < labels.length; i++) {
    scores[labels[i]!] = probs[i]!;
    if (probs[i]! > probs[top]!) top = i;
  }
  const confidence = probs[top]!;
  const abstain = !labels.includes('neutral') && confidence < neutralThreshold;
  return { label: abstain ? 'neutral' : labels[top]!, confidence, scores };
}
