import { describe, expect, it } from 'vitest';
import { packSequences } from '../../src/training/encoded-set.js';
import { mulberry32 } from '../../src/training/prng.js';
import { applyPretrained, trainSkipGram } from '../../src/training/skipgram.js';

// Two topics: pieces 2..5 occur together, pieces 6..9 together; 1 is a separator that is ignored.
function toyCorpus(n: number) {
  const random = mulberry32(5);
  const sequences: number[][] = [];
  for (let i = 0; i < n; i++) {
    const base = i % 2 === 0 ? 2 : 6;
    sequences.push([1, ...Array.from({ length: 8 }, () => base + Math.floor(random() * 4)), 1]);
  }
  return packSequences(sequences, new Array(n).fill(0));
}

const cosine = (v: Float32Array, E: number, a: number, b: number) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < E; j++) {
    ab += v[a * E + j]! * v[b * E + j]!;
    aa += v[a * E + j]! ** 2;
    bb += v[b * E + j]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

describe('skip-gram pre-training', () => {
  const set = toyCorpus(400);
  const options = { vocab: 12, embed: 8, seed: 3, window: 3, negatives: 3, epochs: 3, sample: 1, ignore: [0, 1] };

  it('puts pieces that share contexts closer than pieces that do not', () => {
    const { vectors, seen } = trainSkipGram(set, options);
    expect(Array.from(seen)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(cosine(vectors, 8, 2, 3)).toBeGreaterThan(cosine(vectors, 8, 2, 7) + 0.3);
    expect(cosine(vectors, 8, 6, 9)).toBeGreaterThan(cosine(vectors, 8, 6, 4) + 0.3);
  });

  it('is reproducible from its seed', () => {
    expect(trainSkipGram(set, options).vectors).toEqual(trainSkipGram(set, options).vectors);
  });

  it('replaces only seen rows, at the initialisation scale', () => {
    const pretrained = trainSkipGram(set, options);
    const emb = Float32Array.from({ length: 12 * 8 }, (_, i) => ((i % 7) - 3) / 10);
    const before = Float32Array.from(emb);
    applyPretrained(emb, 8, pretrained);
    expect(emb.subarray(0, 16)).toEqual(before.subarray(0, 16));
    expect(emb.subarray(80)).toEqual(before.subarray(80));
    // Centred: pieces of one topic point the same way, the two topics apart.
    expect(cosine(emb, 8, 2, 3)).toBeGreaterThan(0.5);
    expect(cosine(emb, 8, 2, 7)).toBeLessThan(0);
    expect(() => applyPretrained(new Float32Array(12 * 4), 4, pretrained)).toThrow(/dimensions/);
  });
});
