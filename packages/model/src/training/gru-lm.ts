// Language-model pre-training of the GRU (Dai & Le 2015, "Semi-supervised Sequence Learning"): before the
// classifier sees a label, each direction learns to predict the next piece it will read (the forward GRU the
// token after, the backward GRU the token before) from its state, over the training texts. Prediction is
// word2vec's negative sampling against a table per direction that is thrown away afterwards, so a step costs
// a few dot products instead of a softmax over the vocabulary. Seeded and single-threaded, like training.
import { Adam } from './adam.js';
import type { EncodedSet } from './encoded-set.js';
import type { GruNetwork } from './gru-network.js';
import { NOISE_TABLE_SIZE, noiseTable } from './noise-table.js';
import { deriveSeed, mulberry32, shuffle } from './prng.js';

export interface LanguageModelOptions {
  epochs: number;
  seed: number;
  /** Adam's step size for the GRU, decayed linearly to 0 (default 2e-3). */
  learningRate?: number;
  /** SGD step size of the output tables, decayed like word2vec's (default 0.025). */
  outputLearningRate?: number;
  negatives?: number;
  batchSize?: number;
  clipNorm?: number;
  /** Called about 10 times per epoch with the share done and the mean loss per predicted piece since the last call. */
  onProgress?: (done: number, meanLoss: number) => void;
}

const logSigmoid = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

/** Trains `net`'s embeddings and GRU weights in place; its dense layer is left as it was. */
export function pretrainLanguageModel(net: GruNetwork, train: Pick<EncodedSet, 'ids' | 'offsets'>, o: LanguageModelOptions): void {
  const { vocab: V, hidden: H } = net.params.shape;
  const negatives = o.negatives ?? 5;
  const batchSize = o.batchSize ?? 32;
  const lr = o.learningRate ?? 2e-3;
  const outputLr = o.outputLearningRate ?? 0.025;
  const n = train.offsets.length - 1;
  const counts = new Float64Array(V);
  for (const id of train.ids) counts[id]! += 1;
  const table = noiseTable(counts);
  // One output vector and bias per piece and direction: [direction][vocab][H] and [direction][vocab].
  const out = new Float32Array(2 * V * H);
  const bias = new Float32Array(2 * V);
  const random = mulberry32(deriveSeed(o.seed, 21));
  const adam = new Adam(net, { clipNorm: o.clipNorm ?? 5 });
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let dStates = new Float32Array(2 * 64 * H);
  let tokens = 0;
  for (let i = 0; i < n; i++) tokens += Math.max(0, train.offsets[i + 1]! - train.offsets[i]! - 1);
  const totalSteps = Math.ceil(n / batchSize) * o.epochs;
  const reportEvery = Math.max(1, Math.floor(totalSteps / o.epochs / 10));
  let step = 0;
  let seenTokens = 0;
  let lossSum = 0;
  let lossCount = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, random);
    for (let b = 0; b < n; b += batchSize) {
      const end = Math.min(n, b + batchSize);
      let batchTokens = 0;
      for (let k = b; k < end; k++) batchTokens += Math.max(0, train.offsets[order[k]! + 1]! - train.offsets[order[k]!]! - 1);
      const scale = 1 / Math.max(1, batchTokens);
      const alpha = Math.max(outputLr * (1 - seenTokens / (tokens * o.epochs)), outputLr * 1e-4);
      for (let k = b; k < end; k++) {
        const i = order[k]!;
        const start = train.offsets[i]!;
        const length = train.offsets[i + 1]! - start;
        if (length < 2) continue;
        net.forward(train.ids, start, length);
        if (dStates.length < 2 * length * H) dStates = new Float32Array(4 * length * H);
        dStates.fill(0, 0, 2 * length * H);
        const hs = net.stateData;
        for (let d = 0; d < 2; d++) {
          // Direction d's state after step s has read position pos; it predicts the position read next.
          for (let s = 0; s < length - 1; s++) {
            const pos = d === 0 ? s : length - 1 - s;
            const next = train.ids[start + (d === 0 ? pos + 1 : pos - 1)]!;
            const h = net.stateOffset(d, s);
            const dh = (d * length + s) * H;
            for (let j = 0; j <= negatives; j++) {
              const target = j === 0 ? next : table[Math.floor(random() * NOISE_TABLE_SIZE)]!;
              if (j > 0 && target === next) continue;
              const u = (d * V + target) * H;
              let x = bias[d * V + target]!;
              for (let q = 0; q < H; q++) x += out[u + q]! * hs[h + q]!;
              const label = j === 0 ? 1 : 0;
              lossSum -= logSigmoid(label ? x : -x);
              // ∂loss/∂x = σ(x) − label; the state gets it through u, u through the state (SGD, as word2vec).
              const gx = 1 / (1 + Math.exp(-x)) - label;
              for (let q = 0; q < H; q++) {
                dStates[dh + q] += gx * out[u + q]! * scale;
                out[u + q] -= alpha * gx * hs[h + q]!;
              }
              bias[d * V + target] -= alpha * gx;
            }
            lossCount++;
          }
        }
        net.backwardStates(dStates);
        seenTokens += length - 1;
      }
      adam.step(lr * (1 - step / totalSteps));
      step++;
      if (o.onProgress && (step % reportEvery === 0 || step === totalSteps)) {
        o.onProgress(step / totalSteps, lossSum / Math.max(1, lossCount));
        lossSum = 0;
        lossCount = 0;
      }
    }
  }
}
