import { describe, expect, it } from 'vitest';
import { packSequences } from '../../src/training/encoded-set.js';
import { pretrainLanguageModel } from '../../src/training/gru-lm.js';
import { GruNetwork } from '../../src/training/gru-network.js';
import { initParams } from '../../src/training/gru-params.js';
import { mulberry32 } from '../../src/training/prng.js';

// Texts where each piece says what comes next: 2 → 3 → 4 → 5 → 2 …, starting anywhere, between 1 and 1.
function cycles(n: number) {
  const random = mulberry32(5);
  const sequences: number[][] = [];
  for (let i = 0; i < n; i++) {
    const first = Math.floor(random() * 4);
    sequences.push([1, ...Array.from({ length: 6 }, (_, t) => 2 + ((first + t) % 4)), 1]);
  }
  return packSequences(sequences, new Array(n).fill(0));
}

const shape = { vocab: 8, embed: 6, hidden: 8, classes: 3 };

function pretrain(epochs: number) {
  const params = initParams(shape, 3);
  const dense = Float32Array.from(params.Wd);
  const losses: number[] = [];
  pretrainLanguageModel(new GruNetwork(params), cycles(300), { epochs, seed: 7, learningRate: 1e-2, outputLearningRate: 0.1, onProgress: (_, loss) => losses.push(loss) });
  return { params, dense, losses };
}

describe('language-model pre-training of the GRU', () => {
  it('learns to tell the next piece from a sampled one, leaving the classifier layer alone', () => {
    const { params, dense, losses } = pretrain(8);
    // Negative-sampling loss per prediction: ~(1 + negatives) × log 2 at the start, far lower once the cycle is learned.
    expect(losses[0]).toBeGreaterThan(2);
    expect(losses.at(-1)).toBeLessThan(losses[0]! / 3);
    expect(params.Wd).toEqual(dense);
  });

  it('is reproducible from its seed', () => {
    expect(pretrain(1).params.dense).toEqual(pretrain(1).params.dense);
  });
});
