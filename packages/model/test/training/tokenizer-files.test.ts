import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bertWords } from '../../src/training/bert-pretokenize.js';
import { loadTokenizer } from '../../src/transformers-js.js';
import { tokenizerConfigJson, tokenizerJson } from '../../src/training/tokenizer-files.js';
import { buildVocab } from '../../src/training/vocab.js';

const texts = ["it's a charming, often affecting journey.", "doesn't work", 'Café crème is fine', 'a charming journey!'];

describe('vocabulary and tokenizer files', () => {
  let dir: string;
  const vocab = buildVocab(texts);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tok-'));
    await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
    await writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson(16)));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('splits like BERT: lower-case, no accents, every punctuation mark apart', () => {
    expect(bertWords("Doesn't — Café, ok!")).toEqual(['doesn', "'", 't', '—', 'cafe', ',', 'ok', '!']);
  });

  it('puts the specials first and frequent words before rare ones', () => {
    expect([...vocab.keys()].slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(vocab.get('a')).toBeLessThan(vocab.get('crème'.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase())!);
    expect(vocab.has('Café')).toBe(false);
  });

  it('is read by the runtime tokenizer as WordPiece with [CLS] … [SEP] and whole-word [UNK]', async () => {
    const tokenizer = await loadTokenizer({ modelDir: dir });
    const ids = tokenizer.encode('A CHARMING journey, unseenword!');
    const id = (t: string) => vocab.get(t)!;
    expect(ids).toEqual([id('[CLS]'), id('a'), id('charming'), id('journey'), id(','), id('[UNK]'), id('!'), id('[SEP]')]);
    // A word that starts with a known word is still one [UNK] (no ## pieces in the vocabulary).
    expect(tokenizer.encode('journeys')).toEqual([id('[CLS]'), id('[UNK]'), id('[SEP]')]);
    expect(tokenizer.maxLength).toBe(16);
  });
});
