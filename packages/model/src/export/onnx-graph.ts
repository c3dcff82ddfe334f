// Small typed helpers over onnx-proto for building inference graphs in code:
// the training export and the test fixtures both describe graphs with these.
import os from 'node:os';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const littleEndian = os.endianness() === 'LE';
type AttrValue = number | number[] | string | Float32Array;
export type Dim = number | string;

export const DataType = {
  float: onnx.TensorProto.DataType.FLOAT,
  int8: onnx.TensorProto.DataType.INT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
} as const;
export type DataTypeName = keyof typeof DataType;

/** A constant tensor (initializer); values are stored little-endian in raw_data. */
export function tensor(
  name: string,
  dims: number[],
  values: Float32Array | Int8Array | Int32Array | BigInt64Array,
): onnxProto.onnx.ITensorProto {
  const dataType =
    values instanceof Float32Array
      ? DataType.float
      : values instanceof Int8Array
        ? DataType.int8
        : values instanceof Int32Array
          ? DataType.int32
          : DataType.int64;
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) throw new Error(`tensor ${name}: ${values.length} values for dims [${dims}]`);
  // On little-endian hosts the array's own bytes are already the wire format (large weights: one copy).
  if (littleEndian || values instanceof Int8Array) {
    return { name, dims, dataType, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
  }
  const raw = new Uint8Array(values.byteLength);
  const view = new DataView(raw.buffer);
  values.forEach((v: number | bigint, i: number) => {
    if (typeof v === 'bigint') view.setBigInt64(i * 8, v, true);
    else if (dataType === DataType.int32) view.setInt32(i * 4, v, true);
    else view.setFloat32(i * 4, v, true);
  });
  return { name, dims, dataType, rawData: raw };
}

export function int64s(name: string, values: number[]): onnxProto.onnx.ITensorProto {
  return tensor(name, [values.length], BigInt64Array.from(values.map(BigInt)));
}

export function valueInfo(name: string, type: DataTypeName, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (value instanceof Float32Array) return { name, type: T.FLOATS, floats: Array.from(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (Number.isInteger(value)) return { name, type: T.INT, i: value };
  return { name, type: T.FLOAT, f: value };
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttrValue> = {},
  name = `${opType}_${outputs[0]}`,
): onnxProto.onnx.INodeProto {
  return { opType, input: inputs, output: outputs, name, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) };
}

export interface GraphSpec {
  name: string;
  inputs: onnxProto.onnx.IValueInfoProto[];
  outputs: onnxProto.onnx.IValueInfoProto[];
  nodes: onnxProto.onnx.INodeProto[];
  initializers: onnxProto.onnx.ITensorProto[];
  opset?: number;
  producer?: string;
  docString?: string;
}

/**
 * Serialises a model at IR version 7 (readable by every onnxruntime since 1.6), or 8 for opsets
 * 15 and up, which the ONNX spec ties to IR 8.
 */
export function encodeModel(spec: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: (spec.opset ?? 13) >= 15 ? 8 : 7,
    producerName: spec.producer ?? '@sentiment/model',
    docString: spec.docString ?? '',
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: spec.name,
      input: spec.inputs,
      output: spec.outputs,
      node: spec.nodes,
      initializer: spec.initializers,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
