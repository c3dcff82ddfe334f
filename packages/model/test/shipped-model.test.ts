// The models shipped in packages/model/models, loaded the way apps load them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThreadedClassifier, defaultModelDir, loadClassifier, sst2V1ModelDir, type LocalClassifier } from '../src/index.js';
import { describeBatching, expectSameScores, mixedTexts } from './fixtures/batching-behaviour.js';

const folderBytes = (dir: string): number =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => sum + (e.isDirectory() ? folderBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);

describe('shipped model v2 (the default)', () => {
  let classifier: LocalClassifier;
  beforeAll(async () => {
    classifier = await loadClassifier({ modelDir: defaultModelDir });
  });
  afterAll(() => classifier?.close());

  it('lives in the repo, describes itself and stays small', () => {
    expect(defaultModelDir).toBe(path.resolve(import.meta.dirname, '..', 'models', 'sentiment-multi-v2'));
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'normalizer.json', 'onnx/model.onnx', 'README.md']) {
      expect(fs.existsSync(path.join(defaultModelDir, file)), file).toBe(true);
    }
    expect(classifier.info.name).toBe('sentiment-multi-v2');
    expect(classifier.info.version).toMatch(/^sentiment-multi-v2\+[0-9a-f]{8}$/);
    expect(classifier.info.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(classifier.info.maxLength).toBe(128);
    expect(folderBytes(defaultModelDir)).toBeLessThanOrEqual(32 * 1024 * 1024);
  });

  it('answers each class on clear everyday cases, neutral included', async () => {
    const cases = [
      ['Absolutely love these headphones, the sound is amazing!', 'positive'],
      ['Thanks so much @user, you made my day :)', 'positive'],
      ['The app keeps crashing every time I open it. Worst update ever.', 'negative'],
      ['Terrible service, I waited an hour and nobody answered. I want a refund.', 'negative'],
      ['The package arrived on Tuesday.', 'neutral'],
      ['Can you tell me when the store opens?', 'neutral'],
      ['My order number is 48213.', 'neutral'],
    ] as const;
    const answers = await classifier.predict(cases.map(([text]) => text));
    answers.forEach((a, i) => expect(a.label, cases[i]![0]).toBe(cases[i]![1]));
    // Three probabilities that sum to 1, and confidence is the chosen one's.
    for (const a of answers) {
      expect(a.scores.negative! + a.scores.neutral! + a.scores.positive!).toBeCloseTo(1, 5);
      expect(a.confidence).toBe(a.scores[a.label]);
    }
  });

  it('answers the same from worker threads as in-process', async () => {
    const threaded = await createThreadedClassifier({ modelDir: defaultModelDir, threads: 2, intraOpThreads: 1 });
    try {
      expect(threaded.info).toEqual(classifier.info);
      const texts = mixedTexts(40);
      expectSameScores(await threaded.predict(texts), await classifier.predict(texts));
    } finally {
      await threaded.close();
    }
  });
});

describe('shipped model v1 (kept beside v2)', () => {
  it('still loads as the binary movie-review model it was', async () => {
    const v1 = await loadClassifier({ modelDir: sst2V1ModelDir });
    try {
      expect(v1.info.version).toMatch(/^sentiment-sst2-v1\+[0-9a-f]{8}$/);
      expect(v1.info.labels).toEqual(['negative', 'positive']);
      const [joy, mess] = await v1.predict(['an absolute joy to watch', 'a thoroughly awful, boring mess']);
      expect(joy!.label).toBe('positive');
      expect(mess!.label).toBe('negative');
    } finally {
      await v1.close();
    }
  });
});

describeBatching('shipped model', () => loadClassifier({ modelDir: defaultModelDir }));
