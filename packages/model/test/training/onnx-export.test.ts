import { describe, expect, it } from 'vitest';
import { gruEnsembleFromOnnx, gruEnsembleToOnnx } from '../../src/export/gru-ensemble-onnx.js';
import { dequantizeRows, quantizeRows } from '../../src/export/int8-rows.js';
import { onnxLogits, paddedBatch } from '../../src/export/onnx-eval.js';
import { createOnnxModel } from '../../src/onnx-session.js';
import { packSequences } from '../../src/training/encoded-set.js';
import { GruNetwork } from '../../src/training/gru-network.js';
import { initParams, viewParams, type GruParams, type GruPooling } from '../../src/training/gru-params.js';
import { mulberry32 } from '../../src/training/prng.js';

const shape = { vocab: 30, embed: 6, hidden: 5, classes: 2 };

/** Random weights of a visible size (initParams leaves biases at 0; the export must carry them too). */
function randomModel(seed: number, classes = shape.classes, pooling?: GruPooling): GruParams {
  const p = initParams({ ...shape, classes, ...(pooling ? { pooling } : {}) }, seed);
  const random = mulberry32(seed + 100);
  for (const a of [p.B, p.bd]) for (let i = 0; i < a.length; i++) a[i] = random() - 0.5;
  for (let i = 0; i < p.emb.length; i++) p.emb[i] = (random() - 0.5) * 2;
  return p;
}

/** log(mean of member probabilities) / temperature, from the training-time forward pass. */
function trainingLogits(members: GruParams[], ids: number[], temperature = 1): number[] {
  const C = members[0]!.shape.classes;
  const mean = new Array<number>(C).fill(0);
  for (const m of members) {
    const p = new GruNetwork(m).forward(Int32Array.from(ids), 0, ids.length);
    for (let c = 0; c < C; c++) mean[c]! += p[c]! / members.length;
  }
  return mean.map((v) => Math.log(v) / temperature);
}

const sequences = [
  [2, 7, 8, 9, 3],
  [2, 11, 3],
  [2, 5, 6, 7, 12, 13, 14, 15, 16, 29, 3],
  [2, 20, 21, 22, 3],
  [2, 3],
];
const set = packSequences(sequences, [0, 1, 0, 1, 0]);

/**
 * Exports three-class `members` with int8 embeddings and checks the file's logits on a padded batch against the
 * training forward pass of the rounded tables (offsets, then temperature) within 1e-4.
 */
async function expectInt8Parity(members: GruParams[], temperature: number, classBias: number[]) {
  const bytes = gruEnsembleToOnnx(members, { temperature, classBias, embeddings: 'int8' });
  const rounded = members.map((m) => viewParams(m.shape, dequantizeRows(quantizeRows(m.emb, shape.embed)), m.dense.slice()));
  const model = await createOnnxModel(bytes);
  const out = await model.run(paddedBatch(set, 0, sequences.length));
  sequences.forEach((ids, i) => {
    const expected = trainingLogits(rounded, ids).map((v, c) => (v + classBias[c]!) / temperature);
    for (let c = 0; c < 3; c++) expect(Math.abs(out.data[i * 3 + c]! - expected[c]!)).toBeLessThan(1e-4);
  });
  await model.release();
  return { bytes, rounded };
}

describe('ONNX export of a GRU ensemble', () => {
  it('matches the training forward pass on a padded batch of mixed lengths', async () => {
    const members = [randomModel(1), randomModel(2)];
    const model = await createOnnxModel(gruEnsembleToOnnx(members));
    expect(model.inputNames).toEqual(['input_ids', 'attention_mask']);
    const out = await model.run(paddedBatch(set, 0, sequences.length));
    expect(out.dims).toEqual([sequences.length, 2]);
    sequences.forEach((ids, i) => {
      const expected = trainingLogits(members, ids);
      expect(out.data[i * 2]!).toBeCloseTo(expected[0]!, 4);
      expect(out.data[i * 2 + 1]!).toBeCloseTo(expected[1]!, 4);
      expect(Math.abs(out.data[i * 2]! - expected[0]!)).toBeLessThan(1e-4);
      expect(Math.abs(out.data[i * 2 + 1]! - expected[1]!)).toBeLessThan(1e-4);
    });
    await model.release();
  });

  it('matches it for a three-class ensemble with a calibration temperature', async () => {
    const members = [randomModel(6, 3), randomModel(7, 3)];
    const model = await createOnnxModel(gruEnsembleToOnnx(members, { temperature: 1.7 }));
    const out = await model.run(paddedBatch(set, 0, sequences.length));
    expect(out.dims).toEqual([sequences.length, 3]);
    sequences.forEach((ids, i) => {
      const expected = trainingLogits(members, ids, 1.7);
      for (let c = 0; c < 3; c++) expect(Math.abs(out.data[i * 3 + c]! - expected[c]!)).toBeLessThan(1e-4);
    });
    await model.release();
  });

  it('adds the class offsets before the temperature, and gives the weights back for recalibration', async () => {
    const members = [randomModel(8, 3), randomModel(9, 3)];
    const model = await createOnnxModel(gruEnsembleToOnnx(members, { temperature: 0.8, classBias: [0, 0.4, -0.3] }));
    const out = await model.run(paddedBatch(set, 0, sequences.length));
    sequences.forEach((ids, i) => {
      const expected = trainingLogits(members, ids).map((v, c) => (v + [0, 0.4, -0.3][c]!) / 0.8);
      for (let c = 0; c < 3; c++) expect(Math.abs(out.data[i * 3 + c]! - expected[c]!)).toBeLessThan(1e-4);
    });
    await model.release();
    const back = gruEnsembleFromOnnx(gruEnsembleToOnnx(members, { temperature: 2 }));
    expect(back.map((m) => m.shape)).toEqual(members.map((m) => m.shape));
    back.forEach((m, k) => {
      expect(Array.from(m.dense)).toEqual(Array.from(members[k]!.dense));
      expect(Array.from(m.emb)).toEqual(Array.from(members[k]!.emb));
    });
  });

  it('with int8 embeddings, computes the training forward pass of the rounded table, and reads it back', async () => {
    const members = [randomModel(10, 3), randomModel(11, 3)];
    const { bytes: int8, rounded } = await expectInt8Parity(members, 1.3, [0, 0.2, -0.1]);
    const back = gruEnsembleFromOnnx(int8);
    back.forEach((m, k) => {
      expect(Array.from(m.emb)).toEqual(Array.from(rounded[k]!.emb));
      expect(Array.from(m.dense)).toEqual(Array.from(members[k]!.dense));
    });
  });

  it('with max+mean pooling, matches the training forward pass on a padded batch, and reads the pooling back', async () => {
    const members = [randomModel(12, 3, 'max+mean'), randomModel(13, 3, 'max+mean')];
    const { bytes, rounded } = await expectInt8Parity(members, 1.2, [0, 0.1, -0.2]);
    // The mean half of the dense layer matters: without it the answers differ.
    const maxOnly = trainingLogits(
      rounded.map((m) => {
        const copy = viewParams(m.shape, m.emb, m.dense.slice());
        copy.Wd.fill(0, 2 * shape.hidden * 3);
        return copy;
      }),
      sequences[2]!,
    );
    expect(Math.abs(maxOnly[0]! - trainingLogits(rounded, sequences[2]!)[0]!)).toBeGreaterThan(1e-3);
    const back = gruEnsembleFromOnnx(bytes);
    expect(back.map((m) => m.shape)).toEqual(members.map((m) => m.shape));
    back.forEach((m, k) => expect(Array.from(m.dense)).toEqual(Array.from(members[k]!.dense)));
  });

  it('with int8 embeddings, writes a file about a quarter the size when the tables dominate it', () => {
    const big = [0, 1].map((k) => initParams({ vocab: 2000, embed: 32, hidden: 4, classes: 3 }, 20 + k));
    const float = gruEnsembleToOnnx(big).length;
    const int8 = gruEnsembleToOnnx(big, { embeddings: 'int8' }).length;
    expect(int8 / float).toBeGreaterThan(0.25);
    expect(int8 / float).toBeLessThan(0.3);
  });

  it('scores a text the same alone as inside any padded batch', async () => {
    const model = await createOnnxModel(gruEnsembleToOnnx([randomModel(3)]));
    const { logits: together } = await onnxLogits(model, set, sequences.length);
    const { logits: alone } = await onnxLogits(model, set, 1);
    for (let i = 0; i < together.length; i++) expect(Math.abs(together[i]! - alone[i]!)).toBeLessThan(1e-5);
    // softmax(logits) is a probability distribution for a single member too.
    for (let i = 0; i < sequences.length; i++) expect(Math.exp(alone[2 * i]!) + Math.exp(alone[2 * i + 1]!)).toBeCloseTo(1, 5);
    await model.release();
  });

  it('differs between members, so the average really mixes two models', async () => {
    const [a, b] = [randomModel(4), randomModel(5)];
    const ids = sequences[2]!;
    expect(trainingLogits([a], ids)[0]).not.toBeCloseTo(trainingLogits([b], ids)[0]!, 3);
  });
});
