// ONNX graph (opset 13) for the bag-of-embeddings classifier trained by ../training/train-bag.ts.
// Inputs input_ids / attention_mask int64 [batch, sequence] (right-padded); output logits [batch, classes]
// = model logits / temperature. Padding is masked out: a bigram counts only if both its tokens are real.
import { BIGRAM_MULTIPLIER, type BagParams } from '../training/bag-params.js';
import type { ExportOptions } from './gru-ensemble-onnx.js';
import { DataType, encodeModel, int64s, node, tensor, valueInfo } from './onnx-graph.js';

const f32 = (a: Float32Array | Float64Array) => (a instanceof Float32Array ? a : Float32Array.from(a));

export type BagExportOptions = ExportOptions;

export function bagToOnnx(params: BagParams, { name = 'sentiment-bag', docString, temperature = 1, classBias }: BagExportOptions = {}): Uint8Array {
  const { vocab: V, embed: E, buckets, hidden: Hd, classes: C } = params.shape;
  if (!(temperature > 0)) throw new Error(`temperature must be positive, got ${temperature}`);
  const initializers = [
    tensor('unigram', [V, E], f32(params.unigram)),
    tensor('bigram', [buckets, E], f32(params.bigram)),
    tensor('W1', [Hd, 2 * E], f32(params.W1)),
    tensor('b1', [Hd], f32(params.b1)),
    tensor('W2', [C, Hd], f32(params.W2)),
    tensor('b2', [C], f32(params.b2)),
    tensor('multiplier', [], BigInt64Array.of(BigInt(BIGRAM_MULTIPLIER))),
    tensor('buckets', [], BigInt64Array.of(BigInt(buckets))),
    int64s('axis1', [1]),
    int64s('axis2', [2]),
    int64s('zero', [0]),
    int64s('one_i', [1]),
    int64s('minus_one', [-1]),
    int64s('to_end', [Number.MAX_SAFE_INTEGER]),
    tensor('one', [], Float32Array.of(1)),
    tensor('big', [], Float32Array.of(1e9)),
    tensor('temperature', [], Float32Array.of(temperature)),
    tensor('class_bias', [C], classBias ? Float32Array.from(classBias) : new Float32Array(C)),
  ];
  // Along the sequence axis: [0, S-1) is each bigram's first token, [1, S) its second.
  const firsts = (x: string, out: string) => node('Slice', [x, 'zero', 'minus_one', 'axis1'], [out]);
  const seconds = (x: string, out: string) => node('Slice', [x, 'one_i', 'to_end', 'axis1'], [out]);
  const nodes = [
    firsts('input_ids', 'ids_a'),
    seconds('input_ids', 'ids_b'),
    node('Mul', ['ids_a', 'multiplier'], ['hash_a']),
    node('Add', ['hash_a', 'ids_b'], ['hash']),
    node('Mod', ['hash', 'buckets'], ['bucket_ids']),
    node('Gather', ['unigram', 'input_ids'], ['uni'], { axis: 0 }),
    node('Gather', ['bigram', 'bucket_ids'], ['bi'], { axis: 0 }),
    node('Concat', ['uni', 'bi'], ['vectors'], { axis: 1 }),
    // Vector mask [batch, 2S-1]: token mask, then the product of the masks of each bigram's two tokens.
    node('Cast', ['attention_mask'], ['mask_f'], { to: DataType.float }),
    firsts('mask_f', 'mask_a'),
    seconds('mask_f', 'mask_b'),
    node('Mul', ['mask_a', 'mask_b'], ['mask_bi']),
    node('Concat', ['mask_f', 'mask_bi'], ['vmask'], { axis: 1 }),
    node('Unsqueeze', ['vmask', 'axis2'], ['vmask3']),
    node('Mul', ['vectors', 'vmask3'], ['masked']),
    node('ReduceSum', ['masked', 'axis1'], ['sum'], { keepdims: 0 }),
    node('ReduceSum', ['vmask', 'axis1'], ['count'], { keepdims: 1 }),
    node('Div', ['sum', 'count'], ['mean']),
    // 0 at real vectors, -1e9 at padding.
    node('Sub', ['vmask3', 'one'], ['vmask_off']),
    node('Mul', ['vmask_off', 'big'], ['vmask_neg']),
    node('Add', ['vectors', 'vmask_neg'], ['for_max']),
    node('ReduceMax', ['for_max'], ['max'], { axes: [1], keepdims: 0 }),
    node('Concat', ['mean', 'max'], ['pooled'], { axis: 1 }),
    node('Gemm', ['pooled', 'W1', 'b1'], ['pre'], { transB: 1 }),
    node('Relu', ['pre'], ['hidden']),
    node('Gemm', ['hidden', 'W2', 'b2'], ['raw_logits'], { transB: 1 }),
    node('Add', ['raw_logits', 'class_bias'], ['adjusted']),
    node('Div', ['adjusted', 'temperature'], ['logits']),
  ];
  return encodeModel({
    name,
    docString,
    opset: 13,
    inputs: [valueInfo('input_ids', 'int64', ['batch', 'sequence']), valueInfo('attention_mask', 'int64', ['batch', 'sequence'])],
    outputs: [valueInfo('logits', 'float', ['batch', C])],
    nodes,
    initializers,
  });
}
