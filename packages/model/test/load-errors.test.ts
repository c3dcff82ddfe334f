// Broken or incomplete model folders fail with a ModelLoadError naming the folder and the bad file.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThreadedClassifier, loadClassifier, ModelLoadError } from '../src/index.js';
import { makeTempDir, removeDir } from './fixtures/temp-dir.js';
import { writeTinyBert } from './fixtures/tiny-bert.js';

let root: string;
beforeAll(() => {
  root = makeTempDir('broken-models');
});
afterAll(() => removeDir(root));

/** A complete tiny model in a fresh folder, then `breakIt` damages it. */
function brokenModel(name: string, breakIt: (dir: string) => void): string {
  const dir = path.join(root, name);
  writeTinyBert(dir);
  breakIt(dir);
  return dir;
}

async function loadError(options: Parameters<typeof loadClassifier>[0]): Promise<ModelLoadError> {
  const error = await loadClassifier(options).then(
    (c) => (void c.close(), undefined),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelLoadError);
  return error as ModelLoadError;
}

describe('model load errors', () => {
  it('names a missing folder', async () => {
    const dir = path.join(root, 'does-not-exist');
    expect((await loadError({ modelDir: dir })).message).toBe(`model folder ${dir}: folder does not exist`);
  });

  it('names a missing config.json', async () => {
    const dir = brokenModel('no-config', (d) => fs.rmSync(path.join(d, 'config.json')));
    expect((await loadError({ modelDir: dir })).message).toBe(`model folder ${dir}: config.json is missing`);
  });

  it('names a missing ONNX file', async () => {
    const dir = brokenModel('no-onnx', (d) => fs.rmSync(path.join(d, 'onnx'), { recursive: true }));
    expect((await loadError({ modelDir: dir })).message).toBe(
      `model folder ${dir}: onnx/model.onnx and onnx/model_quantized.onnx are missing`,
    );
  });

  it('names an ONNX file that is garbage', async () => {
    const dir = brokenModel('garbage-onnx', (d) => fs.writeFileSync(path.join(d, 'onnx', 'model.onnx'), 'not a model at all'));
    expect((await loadError({ modelDir: dir })).message).toMatch(
      new RegExp(`^model folder ${dir}: onnx/model.onnx is not a valid ONNX model`),
    );
  });

  it('names an ONNX file that cannot be read', async () => {
    const dir = brokenModel('unreadable-onnx', (d) => {
      fs.rmSync(path.join(d, 'onnx', 'model.onnx'));
      fs.mkdirSync(path.join(d, 'onnx', 'model.onnx'));
    });
    expect((await loadError({ modelDir: dir })).message).toMatch(
      new RegExp(`^model folder ${dir}: onnx/model.onnx could not be read: EISDIR`),
    );
  });

  it('names an invalid tokenizer.json', async () => {
    const dir = brokenModel('bad-tokenizer', (d) => fs.writeFileSync(path.join(d, 'tokenizer.json'), '{"model": '));
    expect((await loadError({ modelDir: dir })).message).toMatch(
      new RegExp(`^model folder ${dir}: tokenizer.json is not valid JSON`),
    );
    const empty = brokenModel('empty-tokenizer', (d) => fs.writeFileSync(path.join(d, 'tokenizer.json'), '{}'));
    expect((await loadError({ modelDir: empty })).message).toMatch(
      new RegExp(`^model folder ${empty}: tokenizer.json could not be loaded as a tokenizer`),
    );
  });

  it('rejects label names it cannot map', async () => {
    const dir = brokenModel('odd-labels', (d) =>
      fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify({ id2label: { 0: 'LABEL_0', 1: 'LABEL_1' } })),
    );
    expect((await loadError({ modelDir: dir })).message).toBe(
      `model folder ${dir}: config.json id2label label "LABEL_0" is not one of negative/neutral/positive`,
    );
  });

  it('rejects a graph whose outputs do not match the labels', async () => {
    const dir = brokenModel('three-labels', (d) =>
      fs.writeFileSync(
        path.join(d, 'config.json'),
        JSON.stringify({ id2label: { 0: 'negative', 1: 'neutral', 2: 'positive' } }),
      ),
    );
    expect((await loadError({ modelDir: dir })).message).toMatch(/returned shape \[1,2\], expected \[1, 3\]/);
  });

  it('names a model id missing from the cache', async () => {
    const error = await loadError({ modelId: 'acme/nowhere', cacheDir: root, allowRemote: false });
    expect(error.message).toBe(`model acme/nowhere (cache ${root}): config.json is missing`);
  });

  it('reports the same error from worker threads', async () => {
    const dir = brokenModel('threaded-garbage', (d) => fs.writeFileSync(path.join(d, 'onnx', 'model.onnx'), 'garbage'));
    const direct = await loadError({ modelDir: dir });
    const threaded = await createThreadedClassifier({ modelDir: dir, threads: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(threaded).toBeInstanceOf(ModelLoadError);
    expect((threaded as ModelLoadError).message).toBe(direct.message);
  });
});
