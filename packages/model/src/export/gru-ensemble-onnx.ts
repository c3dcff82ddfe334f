// ONNX graph for an ensemble of bidirectional-GRU classifiers trained by ../training.
// Inputs input_ids / attention_mask int64 [batch, sequence] (right-padded); output logits [batch, classes]
// with softmax(logits) = mean of the members' class probabilities (logits = log of that mean).
import { denseLayout, pooledSize, viewParams, type GruParams, type GruShape } from '../training/gru-params.js';
import { dequantizeRows, quantizeRows } from './int8-rows.js';
import { DataType, encodeModel, int64s, node, tensor, valueInfo } from './onnx-graph.js';
import onnxProto from 'onnx-proto';

const f32 = (a: Float32Array | Float64Array) => (a instanceof Float32Array ? a : Float32Array.from(a));

export interface ExportOptions {
  name?: string;
  docString?: string;
  /** Calibration temperature: the output is (log(mean probabilities) + classBias) / temperature (default 1). */
  temperature?: number;
  /** Per-class prior correction added before the temperature (default: none). */
  classBias?: ArrayLike<number>;
  /**
   * `int8`: embedding tables stored as int8 with a scale per row (a quarter of the bytes, in the file and in
   * every session that loads it); the graph multiplies the gathered rows back. Default `float32`.
   */
  embeddings?: EmbeddingType;
}

export const EMBEDDING_TYPES = ['float32', 'int8'] as const;
export type EmbeddingType = (typeof EMBEDDING_TYPES)[number];

export function gruEnsembleToOnnx(
  members: GruParams[],
  { name = 'sentiment-gru', docString, temperature = 1, classBias, embeddings = 'float32' }: ExportOptions = {},
): Uint8Array {
  if (members.length === 0) throw new Error('no members to export');
  const shape = members[0]!.shape;
  for (const m of members) {
    if (JSON.stringify(m.shape) !== JSON.stringify(shape)) throw new Error('members differ in shape');
  }
  const { vocab: V, embed: E, hidden: H, classes: C } = shape;
  const mean = shape.pooling === 'max+mean';
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [
    int64s('axis1', [1]),
    int64s('unsqueeze_axes', [1, 3]),
    int64s('axis_last', [-1]),
    int64s('pooled_shape', [-1, 2 * H]),
    tensor('one', [], Float32Array.of(1)),
    tensor('big', [], Float32Array.of(1e9)),
    tensor('inv_members', [], Float32Array.of(1 / members.length)),
    tensor('inv_temperature', [], Float32Array.of(1 / temperature)),
    tensor('class_bias', [C], classBias ? Float32Array.from(classBias) : new Float32Array(C)),
  ];
  // Shared by all members: true lengths for the GRU, and -1e9 at padded positions for the max-pooling.
  nodes.push(
    node('ReduceSum', ['attention_mask', 'axis1'], ['lengths64'], { keepdims: 0 }),
    node('Cast', ['lengths64'], ['lengths'], { to: DataType.int32 }),
    node('Cast', ['attention_mask'], ['mask_f'], { to: DataType.float }),
    node('Sub', ['mask_f', 'one'], ['mask_off']),
    node('Mul', ['mask_off', 'big'], ['mask_neg']),
    node('Transpose', ['mask_neg'], ['mask_neg_t'], { perm: [1, 0] }),
    // [seq, 1, batch, 1] broadcasts over GRU output Y [seq, directions, batch, H].
    node('Unsqueeze', ['mask_neg_t', 'unsqueeze_axes'], ['pool_mask']),
  );
  if (mean) {
    // Mean pooling: the sum over real steps (1 there, 0 at padding) divided by the length (at least 1).
    initializers.push(int64s('axis0', [0]), int64s('length_axes', [0, 2]));
    nodes.push(
      node('Transpose', ['mask_f'], ['mask_t'], { perm: [1, 0] }),
      node('Unsqueeze', ['mask_t', 'unsqueeze_axes'], ['mean_mask']),
      node('Cast', ['lengths64'], ['lengths_f'], { to: DataType.float }),
      node('Max', ['lengths_f', 'one'], ['lengths_pos']),
      // [batch] → [1, batch, 1] broadcasts over the summed Y [directions, batch, H].
      node('Unsqueeze', ['lengths_pos', 'length_axes'], ['lengths_div']),
    );
  }
  const probs: string[] = [];
  members.forEach((m, i) => {
    const p = (s: string) => `m${i}_${s}`;
    if (embeddings === 'int8') {
      const q = quantizeRows(m.emb, E);
      initializers.push(tensor(p('embedding_int8'), [V, E], q.values), tensor(p('embedding_scale'), [V], q.scales));
      nodes.push(
        node('Gather', [p('embedding_int8'), 'input_ids'], [p('embedded_int8')], { axis: 0 }),
        node('Cast', [p('embedded_int8')], [p('embedded_q')], { to: DataType.float }),
        node('Gather', [p('embedding_scale'), 'input_ids'], [p('row_scale')], { axis: 0 }),
        node('Unsqueeze', [p('row_scale'), 'axis_last'], [p('row_scale_1')]),
        node('Mul', [p('embedded_q'), p('row_scale_1')], [p('embedded')]),
      );
    } else {
      initializers.push(tensor(p('embedding'), [V, E], f32(m.emb)));
      nodes.push(node('Gather', [p('embedding'), 'input_ids'], [p('embedded')], { axis: 0 }));
    }
    initializers.push(
      tensor(p('W'), [2, 3 * H, E], f32(m.W)),
      tensor(p('R'), [2, 3 * H, H], f32(m.R)),
      tensor(p('B'), [2, 6 * H], f32(m.B)),
      tensor(p('dense_W'), [pooledSize(shape), C], f32(m.Wd)),
      tensor(p('dense_b'), [C], f32(m.bd)),
    );
    nodes.push(
      node('Transpose', [p('embedded')], [p('x')], { perm: [1, 0, 2] }),
      node('GRU', [p('x'), p('W'), p('R'), p('B'), 'lengths'], [p('Y')], {
        direction: 'bidirectional',
        hidden_size: H,
        linear_before_reset: 1,
      }),
      node('Add', [p('Y'), 'pool_mask'], [p('Y_masked')]),
      node('ReduceMax', [p('Y_masked')], [p('pooled_dirs')], { axes: [0], keepdims: 0 }),
      // [2, batch, H] → [batch, 2, H] → [batch, 2H] = [fwd; bwd].
      node('Transpose', [p('pooled_dirs')], [p('pooled_t')], { perm: [1, 0, 2] }),
      node('Reshape', [p('pooled_t'), 'pooled_shape'], [p(mean ? 'pooled_max' : 'pooled')]),
    );
    if (mean) {
      nodes.push(
        node('Mul', [p('Y'), 'mean_mask'], [p('Y_real')]),
        node('ReduceSum', [p('Y_real'), 'axis0'], [p('summed_dirs')], { keepdims: 0 }),
        node('Div', [p('summed_dirs'), 'lengths_div'], [p('mean_dirs')]),
        node('Transpose', [p('mean_dirs')], [p('mean_t')], { perm: [1, 0, 2] }),
        node('Reshape', [p('mean_t'), 'pooled_shape'], [p('pooled_mean')]),
        // [max fwd; max bwd; mean fwd; mean bwd], as training pools (gru-network.ts).
        node('Concat', [p('pooled_max'), p('pooled_mean')], [p('pooled')], { axis: 1 }),
      );
    }
    nodes.push(
      node('MatMul', [p('pooled'), p('dense_W')], [p('scores')]),
      node('Add', [p('scores'), p('dense_b')], [p('logits')]),
      node('Softmax', [p('logits')], [p('probs')], { axis: -1 }),
    );
    probs.push(p('probs'));
  });
  nodes.push(
    node('Sum', probs, ['probs_sum']),
    node('Mul', ['probs_sum', 'inv_members'], ['probs']),
    node('Log', ['probs'], ['log_probs']),
    node('Add', ['log_probs', 'class_bias'], ['adjusted']),
    node('Mul', ['adjusted', 'inv_temperature'], ['logits']),
  );
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

/** The members' weights back from a file written by gruEnsembleToOnnx (to calibrate it again without retraining). */
export function gruEnsembleFromOnnx(bytes: Uint8Array): GruParams[] {
  const graph = onnxProto.onnx.ModelProto.decode(bytes).graph!;
  const tensors = new Map(graph.initializer!.map((t) => [t.name!, t]));
  const rawBytes = (name: string) => {
    const raw = tensors.get(name)?.rawData;
    if (!raw) throw new Error(`not a GRU ensemble export: no initializer ${name}`);
    return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  };
  const floats = (name: string) => new Float32Array(rawBytes(name));
  // A member's table is float32 (`embedding`) or int8 (`embedding_int8` + `embedding_scale`); int8 tables
  // come back as the floats the graph computes from them.
  const table = (i: number) => tensors.get(`m${i}_embedding`) ?? tensors.get(`m${i}_embedding_int8`);
  const embedding = (i: number) =>
    table(i)!.name === `m${i}_embedding`
      ? floats(`m${i}_embedding`)
      : dequantizeRows({ values: new Int8Array(rawBytes(`m${i}_embedding_int8`)), scales: floats(`m${i}_embedding_scale`) });
  const members: GruParams[] = [];
  for (let i = 0; table(i); i++) {
    const [V, E] = table(i)!.dims!.map(Number) as [number, number];
    const [P, C] = tensors.get(`m${i}_dense_W`)!.dims!.map(Number) as [number, number];
    const H = Number(tensors.get(`m${i}_R`)!.dims![2]);
    // The dense layer's input says how the member pools (the shipped files, max only, carry no `pooling`).
    const shape: GruShape = { vocab: V, embed: E, hidden: H, classes: C, ...(P === 4 * H ? { pooling: 'max+mean' as const } : {}) };
    const dense = new Float32Array(denseLayout(shape).total);
    let at = 0;
    for (const part of ['W', 'R', 'B', 'dense_W', 'dense_b']) {
      const values = floats(`m${i}_${part}`);
      dense.set(values, at);
      at += values.length;
    }
    members.push(viewParams(shape, embedding(i), dense));
  }
  if (members.length === 0) throw new Error('not a GRU ensemble export: no members');
  return members;
}
