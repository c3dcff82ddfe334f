import { describe, expect, it } from 'vitest';
import { packSequences } from '../../src/training/encoded-set.js';
import { ensembleAccuracy, memberSeed, trainEnsemble, type MemberResult } from '../../src/training/run-ensemble.js';
import { DEFAULT_TRAIN_CONFIG, trainGru } from '../../src/training/train-gru.js';

const set = packSequences(
  [[2, 5, 7, 3], [2, 6, 8, 3], [2, 9, 5, 3], [2, 6, 3], [2, 7, 7, 5, 3], [2, 8, 6, 9, 3]],
  [1, 0, 1, 0, 1, 0],
);
const config = { ...DEFAULT_TRAIN_CONFIG, shape: { vocab: 10, embed: 4, hidden: 3, classes: 2 }, seed: 5, epochs: 2, batchSize: 2 };

describe('trainEnsemble on worker threads', () => {
  it('gives each member exactly what in-process training with its seed gives', async () => {
    const results = await trainEnsemble(set, set, config, { members: 3, threads: 2 });
    expect(results.map((r) => r.member)).toEqual([0, 1, 2]);
    for (const r of results) {
      const local = trainGru(set, { ...config, seed: memberSeed(config.seed, r.member) });
      expect(r.seed).toBe(memberSeed(config.seed, r.member));
      expect(Array.from(r.params.dense)).toEqual(Array.from(local.dense));
      expect(Array.from(r.params.emb)).toEqual(Array.from(local.emb));
      expect(r.devProbs.length).toBe(set.labels.length * 2);
    }
    expect(new Set(results.map((r) => r.params.dense[0])).size).toBe(3);
  });

  it('scores the averaged probabilities, not a vote', () => {
    const member = (probs: number[]) => ({ devProbs: Float32Array.from(probs) }) as unknown as MemberResult;
    // Example 0 (label 1): 0.9 and 0.4 positive → mean 0.65, right. Example 1 (label 0): 0.45 and 0.8 positive → wrong.
    const results = [member([0.1, 0.9, 0.55, 0.45]), member([0.6, 0.4, 0.2, 0.8])];
    expect(ensembleAccuracy(results, Uint8Array.of(1, 0), 2)).toBe(0.5);
    expect(ensembleAccuracy(results.slice(0, 1), Uint8Array.of(1, 0), 2)).toBe(1);
  });
});
