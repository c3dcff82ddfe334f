import { describe, expect, it } from 'vitest';
import { classBalancedWeights, frequentWords, parseCorpusWeights, phraseLengthWeight, trainingText } from '../../src/training/multi-corpus.js';

describe('multi-corpus training helpers', () => {
  it('balances the classes within each corpus, keeping each corpus its size', () => {
    // Corpus 0: three negatives, one positive; corpus 1: one of each of three classes.
    const w = classBalancedWeights([0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 2, 0, 1, 2]);
    expect(Array.from(w.subarray(0, 4))).toEqual([4 / 6, 4 / 6, 4 / 6, 2].map(Math.fround));
    // Each class of corpus 0 now carries the same total weight, and the corpus still sums to its size.
    expect(w[0]! * 3).toBeCloseTo(w[3]!, 6);
    expect(w.subarray(0, 4).reduce((a, b) => a + b)).toBeCloseTo(4, 5);
    expect(Array.from(w.subarray(4))).toEqual([1, 1, 1]);
  });

  it('reads per-corpus loss factors, refusing unknown corpora, missing or non-positive factors and repeats', () => {
    const names = ['sst2', 'semeval-tweets', 'clothing-reviews'];
    expect([...parseCorpusWeights(' sst2=2, semeval-tweets = 0.5 ', names)]).toEqual([
      ['sst2', 2],
      ['semeval-tweets', 0.5],
    ]);
    expect(() => parseCorpusWeights('sst=2', names)).toThrow(/sst is not among the corpora trained on \(sst2, semeval-tweets, clothing-reviews\)/);
    expect(() => parseCorpusWeights('sst2', names)).toThrow(/sst2 needs a positive factor/);
    expect(() => parseCorpusWeights('sst2=0', names)).toThrow(/positive factor/);
    expect(() => parseCorpusWeights('sst2=-1', names)).toThrow(/positive factor/);
    expect(() => parseCorpusWeights('sst2=x', names)).toThrow(/positive factor/);
    expect(() => parseCorpusWeights('sst2=2,sst2=3', names)).toThrow(/given twice/);
    expect(() => parseCorpusWeights(' , ', names)).toThrow(/names no corpus/);
  });

  it('weighs a phrase by its length in words, from 0.3 for fragments to 2 for long sentences', () => {
    expect(phraseLengthWeight('dull')).toBe(0.3);
    expect(phraseLengthWeight('  a  gorgeous , witty , seductive movie  ')).toBeCloseTo(0.7, 6);
    expect(phraseLengthWeight(Array.from({ length: 15 }, (_, i) => `w${i}`).join(' '))).toBeCloseTo(1.5, 6);
    expect(phraseLengthWeight(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).toBe(2);
  });

  it('drops the leading airline handles from airline training texts only', () => {
    expect(trainingText('airline-tweets', '@user @user thanks for the upgrade!')).toBe('thanks for the upgrade!');
    expect(trainingText('airline-tweets', '@user')).toBe('@user');
    expect(trainingText('semeval-tweets', '@user thanks')).toBe('@user thanks');
  });

  it('lists frequent words for hashtag splitting, without hashtags, mentions or links', () => {
    const words = frequentWords(['the best day #bestdayever', 'the best @someone http://x.co/abc', 'the day'], 10);
    expect(words).toEqual(['the', 'best', 'day']);
  });
});
