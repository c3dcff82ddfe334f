// The word-memoised tokenizer path gives exactly the library's token ids, truncation included.
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../src/transformers-js.js';
import { englishSentences, wordPieceTokenizerDir } from './fixtures/shared-data.js';

const source = { modelDir: wordPieceTokenizerDir };

const TRICKY = [
  '',
  '   ',
  'The delivery was late and the box was damaged.',
  "Don't   you\tlove\nit?!  (Really.)",
  'Crème brûlée à la façon de grand-mère — 5€, ½ price',
  'ΟΔΥΣΣΕΥΣ σοφός ΣΑΣ İzmir ǅemal ﬁne',
  '日本語のテキスト and 中文 mixed東京text 한국어',
  'zero\u200bwidth\u00a0nbsp\u2003em-space soft\u00adhyphen \u0000nul \ufffd \u0007bell',
  '[CLS] hello [SEP]world [MASK][PAD] [unused1]',
  '😀👍🏽 emoji-only 🇫🇷 flags',
  `${'a'.repeat(99)} ${'b'.repeat(100)} ${'c'.repeat(101)}`,
  'https://example.com/a_b?c=d&e=f#frag user@example.com #hashtag @mention',
];

describe('fast tokenizer path', () => {
  it.each([128, 12])('matches the library on SST-2 dev (or README) sentences and tricky texts (max length %i)', async (maxLength) => {
    const fast = await loadTokenizer(source, maxLength);
    const library = await loadTokenizer(source, maxLength, { fast: false });
    expect(fast.fastPath).toBe(true);
    expect(library.fastPath).toBe(false);
    const texts = [...TRICKY, ...englishSentences()];
    expect(texts.length).toBeGreaterThan(300);
    for (const text of texts) expect(fast.encode(text), JSON.stringify(text)).toEqual(library.encode(text));
    // Second pass: answers from the word memo must be the same.
    for (const text of texts.slice(0, 50)) expect(fast.encode(text)).toEqual(library.encode(text));
  });

  it('keeps [CLS] … [SEP] and the limit on a 20,000-character text', async () => {
    const tokenizer = await loadTokenizer(source, 128);
    const ids = tokenizer.encode('word '.repeat(4000));
    expect(ids).toHaveLength(128);
    const [cls, sep] = (await loadTokenizer(source, 128, { fast: false })).encode('');
    expect(ids[0]).toBe(cls);
    expect(ids[127]).toBe(sep);
  });
});
