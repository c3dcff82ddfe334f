// ClassifierInfo.version (model_version, varchar(50)): fits the column whatever the name, and changes
// whenever a file or setting that changes answers does.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel, int64s, node, tensor, valueInfo } from '../src/export/onnx-graph.js';
import { loadClassifier, sst2V1ModelDir, type ClassifierOptions } from '../src/index.js';
import { compactModelName, MODEL_NAME_MAX_LENGTH, MODEL_VERSION_MAX_LENGTH, modelVersion } from '../src/runtime/model-version.js';
import { wordPieceTokenizerDir } from './fixtures/shared-data.js';
import { makeTempDir, removeDir } from './fixtures/temp-dir.js';

const FORMAT = /^[^+]+\+[0-9a-f]{8}$/;
const sha = (c: string) => c.repeat(64);
const parts = {
  files: [
    { path: 'config.json', sha256: sha('a') },
    { path: 'tokenizer.json', sha256: sha('b') },
    { path: 'onnx/model.onnx', sha256: sha('c') },
  ],
  settings: { maxLength: 128, neutralThreshold: 0.6 },
};

describe('modelVersion', () => {
  it('keeps names of up to 41 characters as they are', () => {
    expect(MODEL_VERSION_MAX_LENGTH).toBe(50);
    expect(MODEL_NAME_MAX_LENGTH).toBe(41);
    expect(modelVersion('sentiment-sst2-v1', parts)).toMatch(/^sentiment-sst2-v1\+[0-9a-f]{8}$/);
    const name41 = 'n'.repeat(41);
    const version = modelVersion(name41, parts);
    expect(version).toMatch(new RegExp(`^${name41}\\+[0-9a-f]{8}$`));
    expect(version).toHaveLength(50);
    expect(modelVersion('acme/tiny-bert-sst2', parts).startsWith('acme/tiny-bert-sst2+')).toBe(true);
  });

  it('fits 50 characters for a 60- and a 200-character name', () => {
    for (const name of ['x'.repeat(60), 'y'.repeat(200), `org/${'z'.repeat(196)}`, 'a/b/'.repeat(50)]) {
      const version = modelVersion(name, parts);
      expect(version.length).toBeLessThanOrEqual(MODEL_VERSION_MAX_LENGTH);
      expect(version).toMatch(FORMAT);
    }
  });

  it('shortens a long Hub id to its last segment, then to 41 characters', () => {
    const hubId = 'Xenova/distilbert-base-uncased-finetuned-sst-2-english'; // 54; last segment 47
    expect(compactModelName(hubId)).toBe('distilbert-base-uncased-finetuned-sst-2-e');
    expect(compactModelName('some-organisation-with-a-long-name/sentiment-v2')).toBe('sentiment-v2');
    expect(compactModelName('f'.repeat(60))).toBe('f'.repeat(41));
    expect(modelVersion(hubId, parts)).toMatch(/^distilbert-base-uncased-finetuned-sst-2-e\+[0-9a-f]{8}$/);
  });

  it('is deterministic and ignores the order of files and settings', () => {
    const version = modelVersion('m', parts);
    expect(modelVersion('m', structuredClone(parts))).toBe(version);
    expect(modelVersion('m', { files: [...parts.files].reverse(), settings: { neutralThreshold: 0.6, maxLength: 128 } })).toBe(version);
    expect(modelVersion('m', { files: parts.files.map((f) => ({ ...f, sha256: f.sha256.toUpperCase() })), settings: parts.settings })).toBe(version);
    // An undefined setting is the same as no setting (a three-class model's ignored threshold).
    expect(modelVersion('m', { files: parts.files, settings: { maxLength: 1 } })).toBe(
      modelVersion('m', { files: parts.files, settings: { maxLength: 1, neutralThreshold: undefined } }),
    );
  });

  it('changes when any file hash, file path or setting changes', () => {
    const version = modelVersion('m', parts);
    const hashes = new Set([version]);
    parts.files.forEach((_, i) => {
      const files = parts.files.map((f, j) => (j === i ? { ...f, sha256: sha('d') } : f));
      hashes.add(modelVersion('m', { files, settings: parts.settings }));
    });
    hashes.add(modelVersion('m', { files: parts.files.slice(1), settings: parts.settings }));
    hashes.add(modelVersion('m', { files: [...parts.files, { path: 'normalizer.json', sha256: sha('e') }], settings: parts.settings }));
    hashes.add(modelVersion('m', { files: parts.files.map((f) => (f.path === 'onnx/model.onnx' ? { ...f, path: 'onnx/model_quantized.onnx' } : f)), settings: parts.settings }));
    hashes.add(modelVersion('m', { files: parts.files, settings: { ...parts.settings, maxLength: 64 } }));
    hashes.add(modelVersion('m', { files: parts.files, settings: { ...parts.settings, neutralThreshold: 0.7 } }));
    hashes.add(modelVersion('m', { files: parts.files, settings: { maxLength: 128 } }));
    expect(hashes.size).toBe(1 + parts.files.length + 6);
  });

  it('does not hash the name: only the name part differs between names', () => {
    expect(modelVersion('a', parts).split('+')[1]).toBe(modelVersion('b', parts).split('+')[1]);
  });
});

describe('loaded model versions', () => {
  const NAME = 'sentiment-sst2-v1-copied-into-a-folder-with-a-long-name-0060';
  let root: string;
  beforeAll(() => {
    expect(NAME).toHaveLength(60);
    root = makeTempDir('model-version');
  });
  afterAll(() => removeDir(root));

  /** A copy of the shipped model at `<root>/<variant>/<60-character name>`, then `edit` changes it. */
  function copy(variant: string, edit: (dir: string) => void = () => {}): string {
    const dir = path.join(root, variant, NAME);
    fs.cpSync(sst2V1ModelDir, dir, { recursive: true });
    edit(dir);
    return dir;
  }

  async function versionOf(options: ClassifierOptions): Promise<{ version: string; maxLength: number }> {
    const classifier = await loadClassifier(options);
    try {
      return { version: classifier.info.version, maxLength: classifier.info.maxLength };
    } finally {
      await classifier.close();
    }
  }

  function editJson(file: string, change: (value: Record<string, unknown>) => void): void {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    change(value);
    fs.writeFileSync(file, JSON.stringify(value, null, 2));
  }

  let base: string;
  let baseVersion: string;
  beforeAll(async () => {
    base = copy('base');
    baseVersion = (await versionOf({ modelDir: base })).version;
  });

  it('fits the 50-character column with a 60-character folder name', () => {
    expect(baseVersion.length).toBeLessThanOrEqual(50);
    expect(baseVersion).toMatch(FORMAT);
    expect(baseVersion).toMatch(/^sentiment-sst2-v1-copied-into-a-folder-wi\+[0-9a-f]{8}$/);
  });

  it('is the same for the same files and settings', async () => {
    expect((await versionOf({ modelDir: copy('same') })).version).toBe(baseVersion);
    // The default threshold and token limit, spelled out, are the same settings.
    expect((await versionOf({ modelDir: base, neutralThreshold: 0.6, maxLength: 1000 })).version).toBe(baseVersion);
  });

  it('changes with the neutral threshold of this binary model', async () => {
    const at06 = (await versionOf({ modelDir: base, neutralThreshold: 0.6 })).version;
    const at07 = (await versionOf({ modelDir: base, neutralThreshold: 0.7 })).version;
    expect(at07).not.toBe(at06);
    expect(at07).toMatch(FORMAT);
  });

  it('changes with a maxLength cap', async () => {
    const capped = await versionOf({ modelDir: base, maxLength: 64 });
    expect(capped.maxLength).toBe(64);
    expect(capped.version).not.toBe(baseVersion);
  });

  it('changes with tokenizer_config.json, even when the effective limit does not', async () => {
    const dir = copy('tokenizer-config', (d) => editJson(path.join(d, 'tokenizer_config.json'), (c) => (c.model_max_length = 256)));
    const edited = await versionOf({ modelDir: dir });
    expect(edited.maxLength).toBe(128); // config.json's max_position_embeddings still caps it
    expect(edited.version).not.toBe(baseVersion);
  });

  it('changes with config.json', async () => {
    const dir = copy('config', (d) => editJson(path.join(d, 'config.json'), (c) => (c.name = 'sentiment-sst2-v1-renamed')));
    expect((await versionOf({ modelDir: dir })).version).not.toBe(baseVersion);
  });

  it('changes with tokenizer.json', async () => {
    const dir = copy('tokenizer', (d) => editJson(path.join(d, 'tokenizer.json'), (t) => (t.version = 'edited')));
    expect((await versionOf({ modelDir: dir })).version).not.toBe(baseVersion);
  });

  it('changes when a normalizer.json is added', async () => {
    const dir = copy('normalizer', (d) =>
      fs.writeFileSync(path.join(d, 'normalizer.json'), JSON.stringify({ type: 'social-v1', hashtag_words: ['great', 'film'] })),
    );
    expect((await versionOf({ modelDir: dir })).version).not.toBe(baseVersion);
  });

  it('ignores the neutral threshold for a three-class model', async () => {
    const dir = path.join(root, 'three-class', 'tiny-three-class');
    writeThreeClassModel(dir);
    const at06 = await versionOf({ modelDir: dir, neutralThreshold: 0.6 });
    const at07 = await versionOf({ modelDir: dir, neutralThreshold: 0.7 });
    expect(at06.version).toMatch(/^tiny-three-class\+[0-9a-f]{8}$/);
    expect(at07.version).toBe(at06.version);
    expect((await versionOf({ modelDir: dir, maxLength: 16 })).version).not.toBe(at06.version);
  });
});

/** A minimal negative/neutral/positive model: logits = sum of per-token embeddings of width 3. */
function writeThreeClassModel(dir: string): void {
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(wordPieceTokenizerDir, file), path.join(dir, file));
  const config = {
    id2label: { '0': 'negative', '1': 'neutral', '2': 'positive' },
    label2id: { negative: 0, neutral: 1, positive: 2 },
    max_position_embeddings: 64,
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const vocab = JSON.parse(fs.readFileSync(path.join(wordPieceTokenizerDir, 'tokenizer.json'), 'utf8')).model.vocab as Record<string, number>;
  const size = Object.keys(vocab).length;
  const words = new Float32Array(size * 3);
  for (let i = 0; i < words.length; i++) words[i] = Math.sin(i) * 0.1;
  const onnx = encodeModel({
    name: 'tiny-three-class',
    inputs: [valueInfo('input_ids', 'int64', ['batch', 'sequence'])],
    outputs: [valueInfo('logits', 'float', ['batch', 3])],
    initializers: [tensor('word_embeddings', [size, 3], words), int64s('axis1', [1])],
    nodes: [node('Gather', ['word_embeddings', 'input_ids'], ['embedded']), node('ReduceSum', ['embedded', 'axis1'], ['logits'], { keepdims: 0 })],
  });
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), onnx);
}
