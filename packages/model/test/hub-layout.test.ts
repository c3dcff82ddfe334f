// A Hub-layout model (BERT tokenizer, three-input ONNX graph, NEGATIVE/POSITIVE labels) loads from a
// folder and from a transformers.js cache by model id, and classifies through all three inputs.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type LocalClassifier } from '../src/index.js';
import { makeTempDir, removeDir } from './fixtures/temp-dir.js';
import { writeTinyBert } from './fixtures/tiny-bert.js';

let cacheDir: string;
let modelDir: string;
const opened: LocalClassifier[] = [];

beforeAll(() => {
  cacheDir = makeTempDir('hub-cache');
  modelDir = path.join(cacheDir, 'acme', 'tiny-bert-sst2');
  writeTinyBert(modelDir);
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  removeDir(cacheDir);
});

async function open(...args: Parameters<typeof loadClassifier>) {
  const classifier = await loadClassifier(...args);
  opened.push(classifier);
  return classifier;
}

describe('Hub-layout model', () => {
  it('loads from its folder, maps NEGATIVE/POSITIVE and uses max_position_embeddings as the limit', async () => {
    const classifier = await open({ modelDir });
    expect(classifier.info.labels).toEqual(['negative', 'positive']);
    expect(classifier.info.name).toBe('tiny-bert-sst2');
    expect(classifier.info.version).toMatch(/^tiny-bert-sst2\+[0-9a-f]{8}$/);
    expect(classifier.info.maxLength).toBe(64); // tokenizer says 512, config.json 64
    const [good, bad, flat] = await classifier.predict(['What a great joy, I love it', 'awful and boring', 'the table']);
    expect(good!.label).toBe('positive');
    expect(bad!.label).toBe('negative');
    expect(flat!.label).toBe('neutral'); // near 50/50 on a binary model
    expect(good!.scores.positive! + good!.scores.negative!).toBeCloseTo(1, 6);
    expect(good!.confidence).toBe(good!.scores.positive);
  });

  it('loads by model id from a transformers.js cache folder without the network', async () => {
    const byId = await open({ modelId: 'acme/tiny-bert-sst2', cacheDir, allowRemote: false });
    const byDir = await open({ modelDir });
    expect(byId.info.name).toBe('acme/tiny-bert-sst2');
    expect(byId.info.version.split('+')[1]).toBe(byDir.info.version.split('+')[1]);
    const texts = ['a great joy to watch', 'terrible, broken on arrival'];
    expect(await byId.predict(texts)).toEqual(await byDir.predict(texts));
  });

  it('prefers the quantized file for Hub ids and the full one for folders, unless told', async () => {
    const dir = path.join(cacheDir, 'acme', 'two-files');
    writeTinyBert(dir);
    writeTinyBert(dir, 'onnx/model_quantized.onnx', { docString: 'stands in for a quantized export' });
    const folder = await open({ modelDir: dir });
    const hub = await open({ modelId: 'acme/two-files', cacheDir });
    const forced = await open({ modelDir: dir, quantized: true });
    const hash = (c: LocalClassifier) => c.info.version.split('+')[1];
    expect(hash(hub)).not.toBe(hash(folder));
    expect(hash(forced)).toBe(hash(hub));
  });

  it('feeds only the declared inputs: a graph without token_type_ids works too', async () => {
    const dir = path.join(cacheDir, 'acme', 'two-inputs');
    writeTinyBert(dir, 'onnx/model.onnx', { tokenTypeIds: false });
    const classifier = await open({ modelDir: dir });
    expect((await classifier.predict(['a great joy']))[0]!.label).toBe('positive');
  });
});
