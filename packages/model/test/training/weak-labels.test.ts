import { describe, expect, it } from 'vitest';
import { afinnScorer, scorersByName, vaderScorer, weakLabelProbabilities, type WordListScorer } from '../../scripts/lib/word-lists.js';
import { SENTIMENT_LABELS } from '../../src/classifier.js';
import { distillationTargets } from '../../src/training/distillation.js';

const [NEG, NEU, POS] = ['negative', 'neutral', 'positive'].map((l) => SENTIMENT_LABELS.indexOf(l as never));
const row = (p: Float64Array | Float32Array, i: number) => Array.from(p.subarray(i * 3, i * 3 + 3));

describe('word lists as weak labels (train:model --weak-labels)', () => {
  it('vote with the word lists where they find scored words, and abstain (the gold label) where they find none', () => {
    const texts = ['I love this, it is wonderful!', 'This is terrible, I hate it.', 'The package arrived on Tuesday.', 'The package arrived on Tuesday.'];
    const gold = [NEU!, POS!, NEU!, NEG!];
    const p = weakLabelProbabilities([afinnScorer(), vaderScorer()], texts, gold);
    expect(row(p, 0)).toEqual(SENTIMENT_LABELS.map((_, c) => (c === POS ? 1 : 0)));
    expect(row(p, 1)).toEqual(SENTIMENT_LABELS.map((_, c) => (c === NEG ? 1 : 0)));
    expect(row(p, 2)).toEqual(SENTIMENT_LABELS.map((_, c) => (c === NEU ? 1 : 0)));
    expect(row(p, 3)).toEqual(SENTIMENT_LABELS.map((_, c) => (c === NEG ? 1 : 0)));
  });

  it('split the vote when the lists disagree, and mix into the gold label at the distillation weight', () => {
    const says = (label: 'negative' | 'positive'): WordListScorer => ({ name: label, description: '', classify: () => label });
    const p = weakLabelProbabilities([says('negative'), says('positive')], ['whatever'], [NEU!]);
    expect(row(p, 0)[NEG!]).toBe(0.5);
    expect(row(p, 0)[POS!]).toBe(0.5);
    const targets = distillationTargets([NEU!], 3, [{ probs: p, weight: 1 }], 0.2);
    expect(row(targets, 0)[NEU!]).toBeCloseTo(0.8, 6);
    expect(row(targets, 0)[NEG!]).toBeCloseTo(0.1, 6);
    expect(row(targets, 0)[POS!]).toBeCloseTo(0.1, 6);
  });

  it('leave skipped texts at their gold label without asking the lists', () => {
    let asked = 0;
    const positive: WordListScorer = { name: 'p', description: '', classify: () => (asked++, 'positive') };
    const p = weakLabelProbabilities([positive], ['a', 'b', 'c'], [NEG!, NEG!, NEU!], (i) => i !== 1);
    expect(row(p, 0)).toEqual(SENTIMENT_LABELS.map((_, c) => (c === NEG ? 1 : 0)));
    expect(row(p, 1)).toEqual(SENTIMENT_LABELS.map((_, c) => (c === POS ? 1 : 0)));
    expect(row(p, 2)).toEqual(SENTIMENT_LABELS.map((_, c) => (c === NEU ? 1 : 0)));
    expect(asked).toBe(1);
  });

  it('names the word lists it knows and refuses others', () => {
    expect(scorersByName('afinn, VADER').map((s) => s.name)).toEqual(['AFINN', 'VADER']);
    expect(() => scorersByName('afinn,sentiwordnet')).toThrow(/unknown word list "sentiwordnet"/);
    expect(() => scorersByName(' , ')).toThrow(/names no word list/);
  });
});
