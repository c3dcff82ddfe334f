// Runs an exported classifier on encoded sequences in right-padded batches (how the runtime feeds it).
import type { OnnxModel } from '../onnx-session.js';
import type { EncodedSet } from '../training/encoded-set.js';

/** Right-pads sequences `from..to` of `set` into input_ids / attention_mask feeds. */
export function paddedBatch(set: EncodedSet, from: number, to: number, padId = 0) {
  let width = 1;
  for (let i = from; i < to; i++) width = Math.max(width, set.offsets[i + 1]! - set.offsets[i]!);
  const rows = to - from;
  const ids = new BigInt64Array(rows * width).fill(BigInt(padId));
  const mask = new BigInt64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const start = set.offsets[from + r]!;
    const length = set.offsets[from + r + 1]! - start;
    for (let t = 0; t < length; t++) {
      ids[r * width + t] = BigInt(set.ids[start + t]!);
      mask[r * width + t] = 1n;
    }
  }
  const dims: [number, number] = [rows, width];
  return { input_ids: { data: ids, dims }, attention_mask: { data: mask, dims } };
}

/** Logits for every sequence, [n, classes], computed `batchSize` sequences at a time. */
export async function onnxLogits(model: OnnxModel, set: EncodedSet, batchSize = 32): Promise<{ logits: Float32Array; classes: number }> {
  const n = set.labels.length;
  const parts: Float32Array[] = [];
  let classes = 0;
  for (let from = 0; from < n; from += batchSize) {
    const out = await model.run(paddedBatch(set, from, Math.min(n, from + batchSize)));
    classes = out.dims[1]!;
    parts.push(Float32Array.from(out.data));
  }
  const logits = new Float32Array(n * classes);
  let at = 0;
  for (const p of parts) {
    logits.set(p, at);
    at += p.length;
  }
  return { logits, classes };
}

export async function onnxAccuracy(model: OnnxModel, set: EncodedSet): Promise<number> {
  const { logits, classes } = await onnxLogits(model, set);
  let correct = 0;
  for (let i = 0; i < set.labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
    if (best === set.labels[i]) correct++;
  }
  return correct / set.labels.length;
}
