// Groups tokenized texts into padded int64 batches: sorted by length so similar lengths share a batch,
// each batch padded only to its own longest sequence.
import os from 'node:os';
import type { Int64Input } from '../onnx-session.js';

export interface BatchPlan {
  /** Positions in the input array, in the order of this batch's rows. */
  indices: number[];
  /** Longest sequence in the batch (its padded width). */
  width: number;
}

/** Cuts the inputs into batches of at most `maxBatchSize`, shortest sequences first (stable for ties). */
export function planBatches(lengths: readonly number[], maxBatchSize: number): BatchPlan[] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const plans: BatchPlan[] = [];
  for (let start = 0; start < order.length; start += maxBatchSize) {
    const indices = order.slice(start, start + maxBatchSize);
    plans.push({ indices, width: Math.max(...indices.map((i) => lengths[i]!)) });
  }
  return plans;
}

const littleEndian = os.endianness() === 'LE';

export interface Feeds {
  input_ids: Int64Input;
  attention_mask: Int64Input;
  token_type_ids: Int64Input;
}

/** input_ids padded with `padId`, attention_mask 1 on real tokens, token_type_ids all zero (single segment). */
export function buildFeeds(sequences: readonly number[][], width: number, padId: number): Feeds {
  const rows = sequences.length;
  const dims: [number, number] = [rows, width];
  const ids = new BigInt64Array(rows * width);
  const mask = new BigInt64Array(rows * width);
  if (littleEndian) {
    // Writing through an Int32 view avoids one BigInt per element: in a little-endian int64 the low
    // 32 bits come first, and token ids are small and non-negative, so the high words stay zero.
    const ids32 = new Int32Array(ids.buffer);
    const mask32 = new Int32Array(mask.buffer);
    for (let r = 0; r < rows; r++) {
      const seq = sequences[r]!;
      const base = r * width;
      for (let c = 0; c < width; c++) {
        ids32[(base + c) * 2] = c < seq.length ? seq[c]! : padId;
        if (c < seq.length) mask32[(base + c) * 2] = 1;
      }
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const seq = sequences[r]!;
      for (let c = 0; c < width; c++) {
        ids[r * width + c] = BigInt(c < seq.length ? seq[c]! : padId);
        mask[r * width + c] = c < seq.length ? 1n : 0n;
      }
    }
  }
  return {
    input_ids: { data: ids, dims },
    attention_mask: { data: mask, dims },
    token_type_ids: { data: new BigInt64Array(rows * width), dims },
  };
}
