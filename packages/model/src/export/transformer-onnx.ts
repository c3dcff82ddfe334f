// ONNX graph of a DistilBERT-shaped sequence classifier with random (seeded) weights: the cost of a real
// 6-layer transformer without shipping one, for benchmarks of the "heavy model" regime.
// Inputs input_ids / attention_mask int64 [batch, sequence] (right-padded); output logits [batch, labels].
// Written with plain opset-17 ops (LayerNormalization, Erf-GELU, MatMul attention) like an exported
// Hugging Face model, so onnxruntime's optimizer fuses it the same way.
import type onnxProto from 'onnx-proto';
import { mulberry32 } from '../training/prng.js';
import { encodeModel, int64s, node, tensor, valueInfo } from './onnx-graph.js';

export interface TransformerShape {
  vocabSize: number;
  /** Longest sequence: size of the position-embedding table. */
  maxPositions: number;
  layers: number;
  hidden: number;
  heads: number;
  feedForward: number;
  labels: number;
}

/** DistilBERT-base (distilbert-base-uncased-finetuned-sst-2-english) apart from the vocabulary. */
export const DISTILBERT_SHAPE: Omit<TransformerShape, 'vocabSize'> = {
  maxPositions: 128,
  layers: 6,
  hidden: 768,
  heads: 12,
  feedForward: 3072,
  labels: 2,
};

export interface RandomTransformerOptions {
  seed?: number;
  /** Standard deviation of the weights (BERT's initializer range). */
  std?: number;
  name?: string;
  docString?: string;
}

/** Seeded normal(0, std) values (Box–Muller over mulberry32). */
function normals(count: number, std: number, random: () => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = std * Math.sqrt(-2 * Math.log(1 - random()));
    const theta = 2 * Math.PI * random();
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

export function parameterCount(s: TransformerShape): number {
  const layer = 4 * (s.hidden * s.hidden + s.hidden) + 2 * s.hidden * s.feedForward + s.feedForward + s.hidden + 4 * s.hidden;
  const embeddings = (s.vocabSize + s.maxPositions) * s.hidden + 2 * s.hidden;
  const head = s.hidden * s.hidden + s.hidden + s.hidden * s.labels + s.labels;
  return embeddings + s.layers * layer + head;
}

export function randomTransformerOnnx(shape: TransformerShape, options: RandomTransformerOptions = {}): Uint8Array {
  const { vocabSize: V, maxPositions: P, layers: L, hidden: H, heads: N, feedForward: F, labels: C } = shape;
  if (H % N !== 0) throw new Error(`hidden ${H} is not a multiple of heads ${N}`);
  const headDim = H / N;
  const random = mulberry32(options.seed ?? 1);
  const std = options.std ?? 0.02;
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [
    int64s('zero_i', [0]),
    int64s('one_i', [1]),
    int64s('mask_axes', [1, 2]),
    int64s('split_heads', [0, 0, N, headDim]),
    int64s('merge_heads', [0, 0, H]),
    tensor('start', [], BigInt64Array.of(0n)),
    tensor('step', [], BigInt64Array.of(1n)),
    tensor('one', [], Float32Array.of(1)),
    tensor('half', [], Float32Array.of(0.5)),
    tensor('sqrt2', [], Float32Array.of(Math.SQRT2)),
    tensor('scale', [], Float32Array.of(Math.sqrt(headDim))),
    tensor('mask_min', [], Float32Array.of(-3.4e38)),
  ];
  const weight = (name: string, dims: number[]) => {
    initializers.push(tensor(name, dims, normals(dims.reduce((a, b) => a * b, 1), std, random)));
    return name;
  };
  const constant = (name: string, dims: number[], value: number) => {
    initializers.push(tensor(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value)));
    return name;
  };
  const layerNorm = (input: string, prefix: string, output: string) =>
    node('LayerNormalization', [input, constant(`${prefix}.weight`, [H], 1), constant(`${prefix}.bias`, [H], 0)], [output], {
      axis: -1,
      epsilon: 1e-12,
    });
  /** x · W + b, with W [in, out]. */
  const linear = (input: string, prefix: string, inDim: number, outDim: number, output: string) => {
    nodes.push(
      node('MatMul', [input, weight(`${prefix}.weight`, [inDim, outDim])], [`${prefix}.mm`]),
      node('Add', [`${prefix}.mm`, constant(`${prefix}.bias`, [outDim], 0)], [output]),
    );
  };

  // Embeddings: words + positions 0..sequence-1, then a layer norm.
  nodes.push(
    node('Shape', ['input_ids'], ['ids_shape']),
    node('Gather', ['ids_shape', 'one_i'], ['seq_len_1d'], { axis: 0 }),
    node('Squeeze', ['seq_len_1d', 'zero_i'], ['seq_len']),
    node('Range', ['start', 'seq_len', 'step'], ['positions']),
    node('Gather', [weight('embeddings.word', [V, H]), 'input_ids'], ['word_emb'], { axis: 0 }),
    node('Gather', [weight('embeddings.position', [P, H]), 'positions'], ['pos_emb'], { axis: 0 }),
    node('Add', ['word_emb', 'pos_emb'], ['emb_sum']),
    layerNorm('emb_sum', 'embeddings.norm', 'h0'),
    // Padded keys get the most negative float before the softmax: [batch, 1, 1, sequence].
    node('Cast', ['attention_mask'], ['mask_f'], { to: 1 }),
    node('Sub', ['one', 'mask_f'], ['mask_off']),
    node('Mul', ['mask_off', 'mask_min'], ['mask_bias2']),
    node('Unsqueeze', ['mask_bias2', 'mask_axes'], ['mask_bias']),
  );

  let x = 'h0';
  for (let l = 0; l < L; l++) {
    const p = (s: string) => `layer${l}.${s}`;
    for (const t of ['q', 'k', 'v']) {
      linear(x, p(t), H, H, p(`${t}_flat`));
      nodes.push(node('Reshape', [p(`${t}_flat`), 'split_heads'], [p(`${t}_heads`)]));
    }
    nodes.push(
      // q [b, n, s, d] · kᵀ [b, n, d, s] → scores [b, n, s, s].
      node('Transpose', [p('q_heads')], [p('q_t')], { perm: [0, 2, 1, 3] }),
      node('Transpose', [p('k_heads')], [p('k_t')], { perm: [0, 2, 3, 1] }),
      node('Transpose', [p('v_heads')], [p('v_t')], { perm: [0, 2, 1, 3] }),
      node('Div', [p('q_t'), 'scale'], [p('q_scaled')]),
      node('MatMul', [p('q_scaled'), p('k_t')], [p('scores_raw')]),
      node('Add', [p('scores_raw'), 'mask_bias'], [p('scores')]),
      node('Softmax', [p('scores')], [p('attn')], { axis: -1 }),
      node('MatMul', [p('attn'), p('v_t')], [p('ctx_heads')]),
      node('Transpose', [p('ctx_heads')], [p('ctx_t')], { perm: [0, 2, 1, 3] }),
      node('Reshape', [p('ctx_t'), 'merge_heads'], [p('ctx')]),
    );
    linear(p('ctx'), p('attn_out'), H, H, p('attn_proj'));
    nodes.push(node('Add', [p('attn_proj'), x], [p('attn_res')]), layerNorm(p('attn_res'), p('attn_norm'), p('attn_normed')));
    linear(p('attn_normed'), p('ffn_in'), H, F, p('ffn_pre'));
    // GELU as Hugging Face exports it: x · ½ · (1 + erf(x / √2)).
    nodes.push(
      node('Div', [p('ffn_pre'), 'sqrt2'], [p('gelu_div')]),
      node('Erf', [p('gelu_div')], [p('gelu_erf')]),
      node('Add', [p('gelu_erf'), 'one'], [p('gelu_add')]),
      node('Mul', [p('ffn_pre'), p('gelu_add')], [p('gelu_mul')]),
      node('Mul', [p('gelu_mul'), 'half'], [p('ffn_act')]),
    );
    linear(p('ffn_act'), p('ffn_out'), F, H, p('ffn_proj'));
    nodes.push(node('Add', [p('ffn_proj'), p('attn_normed')], [p('ffn_res')]), layerNorm(p('ffn_res'), p('ffn_norm'), p('out')));
    x = p('out');
  }

  // [CLS] pooling → pre-classifier + ReLU → classifier.
  nodes.push(node('Gather', [x, 'zero_i'], ['cls_1'], { axis: 1 }), node('Squeeze', ['cls_1', 'one_i'], ['cls']));
  linear('cls', 'pre_classifier', H, H, 'pre');
  nodes.push(node('Relu', ['pre'], ['pre_act']));
  linear('pre_act', 'classifier', H, C, 'logits');

  return encodeModel({
    name: options.name ?? 'random-transformer',
    docString: options.docString,
    opset: 17,
    inputs: [valueInfo('input_ids', 'int64', ['batch', 'sequence']), valueInfo('attention_mask', 'int64', ['batch', 'sequence'])],
    outputs: [valueInfo('logits', 'float', ['batch', C])],
    nodes,
    initializers,
  });
}
