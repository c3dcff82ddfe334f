// The benchmark-only transformer model, built small with the same code as the full-size one
// (npm run bench:make-heavy-model), loads and answers like any Hugging Face-layout classifier.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHeavyModel } from '../src/export/heavy-model.js';
import { defaultModelDir, loadClassifier, SENTIMENT_LABELS, type LocalClassifier } from '../src/index.js';
import { describeBatching } from './fixtures/batching-behaviour.js';
import { makeTempDir, removeDir } from './fixtures/temp-dir.js';

const SMALL = { layers: 1, hidden: 64, heads: 4, feedForward: 128 };

let root: string | undefined;
afterAll(() => root && removeDir(root));

function buildSmall(...name: string[]): string {
  root ??= makeTempDir('heavy-model');
  const dir = path.join(root, ...name);
  writeHeavyModel(dir, { shape: SMALL, seed: 7 });
  return dir;
}

describe('heavy benchmark model (small variant)', () => {
  let dir: string;
  let classifier: LocalClassifier;
  beforeAll(async () => {
    dir = buildSmall('sentiment-heavy-small');
    classifier = await loadClassifier({ modelDir: dir });
  });
  afterAll(() => classifier?.close());

  it('has the shipped model layout, tokenizer and labels', () => {
    for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
      expect(fs.readFileSync(path.join(dir, file)).equals(fs.readFileSync(path.join(defaultModelDir, file))), file).toBe(true);
    }
    expect(fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))).toBe(true);
    expect(classifier.info.name).toBe('sentiment-heavy-small');
    expect(classifier.info.labels).toEqual(['negative', 'positive']);
    expect(classifier.info.maxLength).toBe(128);
  });

  it('answers one prediction per text with probabilities over its two labels', async () => {
    const predictions = await classifier.predict(['An absolute joy to watch.', 'a thoroughly awful, boring mess', 'ok']);
    expect(predictions).toHaveLength(3);
    for (const p of predictions) {
      expect(SENTIMENT_LABELS).toContain(p.label);
      expect(Object.keys(p.scores).sort()).toEqual(['negative', 'positive']);
      expect(p.scores.negative! + p.scores.positive!).toBeCloseTo(1, 6);
    }
  });

  it('truncates long texts to its 128 positions instead of failing', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `word${i % 7} great`).join(' ');
    expect(classifier.tokenize([long])[0]).toHaveLength(128);
    const [p] = await classifier.predict([long]);
    expect(SENTIMENT_LABELS).toContain(p!.label);
  });

  it('is reproducible: the same seed gives the same weights', () => {
    const again = buildSmall('again', 'sentiment-heavy-small');
    const onnx = (folder: string) => fs.readFileSync(path.join(folder, 'onnx', 'model.onnx'));
    expect(onnx(again).equals(onnx(dir))).toBe(true);
  });
});

// Masked self-attention: a text scores the same alone and next to longer (padded) neighbours.
describeBatching('heavy benchmark model (small variant)', () => loadClassifier({ modelDir: buildSmall('sentiment-heavy-batching'), maxBatchSize: 16 }));
