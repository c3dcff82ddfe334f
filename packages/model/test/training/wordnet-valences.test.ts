import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lexiconValences } from '../../scripts/lib/lexicons.js';
import { expandValences, readSynsets, wordnetDictDir } from '../../scripts/lib/wordnet-valences.js';

// WordNet's data-file lines: offset, lexicographer file, type, word count (hex), words with lex ids, pointer
// count, pointers (symbol, target offset, part of speech, source/target), then " | " and the gloss.
const ADJ = [
  '  1 This is a licence header line, skipped.',
  '00000010 00 a 02 good 0 fine(a) 0 002 ! 00000020 a 0101 & 00000030 a 0000 | having desirable qualities',
  '00000020 00 a 01 bad 0 001 ! 00000010 a 0101 | having undesirable qualities',
  '00000030 00 s 01 superior 0 001 & 00000010 a 0000 | of high quality',
  '00000040 00 a 02 awful 0 dire 0 001 ! 00000050 a 0101 | very bad',
  '00000050 00 a 01 unawful 0 001 ! 00000040 a 0101 | not awful',
  '00000060 00 s 01 supreme 0 001 & 00000030 a 0000 | highest in quality',
].join('\n');

function tinyDict(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wordnet-'));
  writeFileSync(path.join(dir, 'data.adj'), ADJ);
  for (const f of ['data.adv', 'data.verb', 'data.noun']) writeFileSync(path.join(dir, f), '');
  return dir;
}

describe('WordNet valences', () => {
  it('reads synsets with their words (markers stripped) and their similar-to and antonym pointers', () => {
    const synsets = readSynsets(tinyDict());
    expect(synsets.get('a:00000010')).toEqual({ words: ['good', 'fine'], similar: ['a:00000030'], antonyms: ['a:00000020'] });
    expect(synsets.get('a:00000030')).toEqual({ words: ['superior'], similar: ['a:00000010'], antonyms: [] });
    expect(synsets.size).toBe(6);
  });

  it('gives an unlisted word its synonyms’ and similar words’ valence and the opposite of its antonyms’, damped; listed words keep theirs', () => {
    const expanded = expandValences(new Map([['good', 0.6], ['awful', -0.8]]), readSynsets(tinyDict()), 0.5);
    expect(expanded.get('good')).toBe(0.6);
    expect(expanded.get('fine')).toBeCloseTo(0.3); // same synset as "good"
    expect(expanded.get('superior')).toBeCloseTo(0.3); // similar to "good"'s synset
    expect(expanded.get('dire')).toBeCloseTo(-0.4); // same synset as "awful"
    expect(expanded.get('unawful')).toBeCloseTo(0.4); // antonym of "awful"
    expect(expanded.get('bad')).toBeCloseTo(-0.3); // antonym of "good"
    expect(expanded.get('supreme')).toBeUndefined(); // similar to "superior", itself unlisted: one hop only
  });

  it('carries AFINN/VADER valences to unlisted English words with the sign a reader expects', () => {
    const listed = lexiconValences();
    const expanded = expandValences(listed, readSynsets(wordnetDictDir()));
    expect(expanded.size).toBeGreaterThan(listed.size * 1.5);
    for (const word of ['tedious', 'unsatisfactory', 'discourteous', 'dishonorable']) {
      expect(listed.has(word)).toBe(false);
      expect(expanded.get(word)).toBeLessThan(0);
    }
    expect(expanded.get('inexpensive')).toBeGreaterThan(0);
    expect(expanded.get('splendid')).toBe(listed.get('splendid'));
  });
});
