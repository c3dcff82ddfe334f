// The model shipped in packages/model/models/sentiment-sst2-v1, loaded the way apps load it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThreadedClassifier, defaultModelDir, loadClassifier, type LocalClassifier } from '../src/index.js';
import { describeBatching, expectSameScores, mixedTexts } from './fixtures/batching-behaviour.js';

describe('shipped model', () => {
  let classifier: LocalClassifier;
  beforeAll(async () => {
    classifier = await loadClassifier({ modelDir: defaultModelDir });
  });
  afterAll(() => classifier?.close());

  it('lives in the repo and describes itself', () => {
    expect(defaultModelDir).toBe(path.resolve(import.meta.dirname, '..', 'models', 'sentiment-sst2-v1'));
    expect(fs.existsSync(path.join(defaultModelDir, 'onnx', 'model.onnx'))).toBe(true);
    expect(classifier.info.name).toBe('sentiment-sst2-v1');
    expect(classifier.info.version).toMatch(/^sentiment-sst2-v1\+[0-9a-f]{8}$/);
    expect(classifier.info.labels).toEqual(['negative', 'positive']);
    expect(classifier.info.maxLength).toBe(128);
  });

  it('classifies clear cases', async () => {
    const [joy, mess] = await classifier.predict(['an absolute joy to watch', 'a thoroughly awful, boring mess']);
    expect(joy!.label).toBe('positive');
    expect(joy!.confidence).toBeGreaterThan(0.8);
    expect(mess!.label).toBe('negative');
    expect(mess!.confidence).toBeGreaterThan(0.8);
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

describeBatching('shipped model', () => loadClassifier({ modelDir: defaultModelDir }));
