import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenizerConfigJson, tokenizerJson } from '../../src/training/tokenizer-files.js';
import { trainWordPiece } from '../../src/training/wordpiece-trainer.js';
import { loadTokenizer } from '../../src/transformers-js.js';
import { makeTempDir, removeDir } from '../fixtures/temp-dir.js';

const counts = new Map([
  ['low', 10],
  ['lower', 6],
  ['newest', 12],
  ['widest', 8],
  ['xxuser', 3],
]);

describe('trainWordPiece', () => {
  const dir = makeTempDir('wordpiece');
  afterAll(() => removeDir(dir));

  it('learns frequent pieces by merging pairs, keeps placeholders whole, and is reproducible', () => {
    const vocab = trainWordPiece(counts, { vocabSize: 40, keepWhole: ['xxuser'] });
    expect([...vocab.keys()].slice(0, 6)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'xxuser']);
    // Every character, word-initial and continuation, then merges such as ##est (newest, widest).
    for (const piece of ['l', '##o', '##w', 'n', '##t', '##est', 'low']) expect(vocab.has(piece), piece).toBe(true);
    expect([...trainWordPiece(counts, { vocabSize: 40, keepWhole: ['xxuser'] })]).toEqual([...vocab]);
    expect(vocab.size).toBeLessThanOrEqual(40);
  });

  it('gives a tokenizer.json that transformers.js splits into learned pieces, [UNK] only for unseen characters', async () => {
    const vocab = trainWordPiece(counts, { vocabSize: 40, keepWhole: ['xxuser'] });
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson(32)));
    const tokenizer = await loadTokenizer({ modelDir: dir });
    const id = (t: string) => vocab.get(t)!;
    // "lowest" was never seen: it is built from pieces, not [UNK].
    expect(tokenizer.encode('Lowest xxuser')).toEqual([id('[CLS]'), id('low'), id('##est'), id('xxuser'), id('[SEP]')]);
    expect(tokenizer.encode('zoo')).toEqual([id('[CLS]'), id('[UNK]'), id('[SEP]')]);
  });
});
