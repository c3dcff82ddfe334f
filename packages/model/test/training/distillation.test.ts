import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bagToOnnx } from '../../src/export/bag-onnx.js';
import { gruEnsembleToOnnx } from '../../src/export/gru-ensemble-onnx.js';
import { BagNetwork } from '../../src/training/bag-network.js';
import { initBagParams } from '../../src/training/bag-params.js';
import { distillationTargets, parseTeachers, teacherProbabilities } from '../../src/training/distillation.js';
import { packSequences } from '../../src/training/encoded-set.js';
import { GruNetwork } from '../../src/training/gru-network.js';
import { initParams } from '../../src/training/gru-params.js';
import { mulberry32 } from '../../src/training/prng.js';

const sequences = [
  [2, 7, 8, 9, 3],
  [2, 11, 3],
  [2, 5, 6, 7, 12, 13, 14, 15, 16, 29, 3],
];
const set = packSequences(sequences, [0, 1, 2]);
const dirs: string[] = [];

/** A model folder as train:model writes it: onnx/model.onnx and config.json with its calibration. */
async function modelFolder(onnx: Uint8Array, config: object): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'teacher-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'onnx'));
  await writeFile(path.join(dir, 'onnx', 'model.onnx'), onnx);
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('distillation teachers', () => {
  it('give a calibrated GRU ensemble\'s members\' mean probabilities, as training computes them', async () => {
    const shape = { vocab: 30, embed: 6, hidden: 5, classes: 3 };
    const members = [1, 2].map((seed) => {
      const p = initParams(shape, seed);
      const random = mulberry32(seed + 50);
      for (let i = 0; i < p.bd.length; i++) p.bd[i] = random() - 0.5;
      for (let i = 0; i < p.emb.length; i++) p.emb[i] = (random() - 0.5) * 2;
      return p;
    });
    // Shipped calibrated: the file's answers are not what the teacher gives.
    const dir = await modelFolder(gruEnsembleToOnnx(members, { temperature: 1.7, classBias: [0, 0.4, -0.3] }), { model_type: 'bigru-maxpool-ensemble', temperature: 1.7, class_bias: [0, 0.4, -0.3] });
    const probs = await teacherProbabilities(dir, set);
    sequences.forEach((ids, i) => {
      for (let c = 0; c < 3; c++) {
        const mean = members.reduce((s, m) => s + new GruNetwork(m).forward(Int32Array.from(ids), 0, ids.length)[c]! / 2, 0);
        expect(Math.abs(probs[i * 3 + c]! - mean)).toBeLessThan(1e-5);
      }
    });
  });

  it("undo another model's calibration from its config.json (a bag)", async () => {
    const params = initBagParams({ vocab: 30, embed: 4, buckets: 64, hidden: 5, classes: 3 }, 3);
    const random = mulberry32(9);
    for (const a of [params.b2, params.W2, params.emb]) for (let i = 0; i < a.length; i++) a[i] = (random() - 0.5) * 2;
    const dir = await modelFolder(bagToOnnx(params, { temperature: 1.3, classBias: [0.2, 0, -0.5] }), { model_type: 'bag-of-ngrams', temperature: 1.3, class_bias: [0.2, 0, -0.5] });
    const probs = await teacherProbabilities(dir, set);
    const net = new BagNetwork(params);
    sequences.forEach((ids, i) => {
      const p = net.forward(Int32Array.from(ids), 0, ids.length);
      for (let c = 0; c < 3; c++) expect(Math.abs(probs[i * 3 + c]! - p[c]!)).toBeLessThan(1e-5);
    });
  });
});

describe('distillation targets', () => {
  it('mix the gold label with the weighted mean of the teachers', () => {
    const a = [0.2, 0.3, 0.5, 0.6, 0.3, 0.1];
    const b = [0.8, 0.1, 0.1, 0, 0, 1];
    const targets = distillationTargets([2, 0], 3, [{ probs: a, weight: 3 }, { probs: b, weight: 1 }], 0.4);
    const expected = [0.4 * 0.35, 0.4 * 0.25, 0.4 * 0.4 + 0.6, 0.4 * 0.45 + 0.6, 0.4 * 0.225, 0.4 * 0.325];
    expected.forEach((v, i) => expect(targets[i]).toBeCloseTo(v, 6));
    // Each row is still a distribution.
    expect(targets[0]! + targets[1]! + targets[2]!).toBeCloseTo(1, 6);
  });

  it('read DIR[=weight] lists and reject a bad weight', () => {
    expect(parseTeachers('models/a, /tmp/b=0.25')).toEqual([
      { dir: 'models/a', weight: 1 },
      { dir: '/tmp/b', weight: 0.25 },
    ]);
    expect(() => parseTeachers('models/a=-1')).toThrow(/positive number/);
    expect(() => parseTeachers(' , ')).toThrow(/no model folder/);
  });
});
