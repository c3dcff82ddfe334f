// Training and serving see the same ids: the recipe encodes through encodeTexts, the runtime through
// loadClassifier's tokenize; both must apply the model's normalizer.json and then its tokenizer.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, loadClassifier, type LocalClassifier } from '../src/index.js';
import { ModelFiles } from '../src/runtime/model-files.js';
import { loadNormalizer } from '../src/runtime/model-tokenizer.js';
import { PLACEHOLDERS } from '../src/runtime/normalize-text.js';
import { encodeTexts } from '../src/training/encoded-set.js';
import { loadTokenizer } from '../src/transformers-js.js';

const SOCIAL = [
  '@united flight 1234 delayed AGAIN!!!! thanks for nothing :( http://t.co/abc123',
  'Sooooo happy with my new phone 😍😍 #BestPurchaseEver',
  'RT @user: The package arrived on Tuesday.',
  'lol this is sooo bad :P #fail',
  'I&amp;#39;m not sure... maybe?',
];

describe('training and runtime text parity (shipped model)', () => {
  let classifier: LocalClassifier;
  beforeAll(async () => {
    classifier = await loadClassifier({ modelDir: defaultModelDir });
  });
  afterAll(() => classifier?.close());

  it('ships a normalizer.json', () => {
    expect(fs.existsSync(path.join(defaultModelDir, 'normalizer.json'))).toBe(true);
  });

  it('gives the same ids in training (encodeTexts) as at run time (classifier.tokenize)', async () => {
    const training = await encodeTexts({ modelDir: defaultModelDir }, SOCIAL.map((text) => ({ text, label: 0 })), classifier.info.maxLength);
    const runtime = classifier.tokenize(SOCIAL);
    runtime.forEach((ids, i) => expect(Array.from(training.ids.subarray(training.offsets[i]!, training.offsets[i + 1]!))).toEqual(ids));
  });

  it('is the tokenizer applied to the normalised text, placeholders included', async () => {
    const normalize = (await loadNormalizer(new ModelFiles({ modelDir: defaultModelDir })))!;
    const tokenizer = await loadTokenizer({ modelDir: defaultModelDir }, classifier.info.maxLength);
    expect(classifier.tokenize(SOCIAL)).toEqual(SOCIAL.map((t) => tokenizer.encode(normalize(t))));
    const [user] = tokenizer.encode(PLACEHOLDERS.user).slice(1, -1);
    expect(classifier.tokenize([SOCIAL[0]!])[0]).toContain(user);
    // Without normalisation the raw text tokenizes differently: the step is really there.
    expect(tokenizer.encode(SOCIAL[0]!)).not.toEqual(classifier.tokenize([SOCIAL[0]!])[0]);
  });
});
