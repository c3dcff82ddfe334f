// The only file that imports onnxruntime-node.
import * as ort from 'onnxruntime-node';

export interface Int64Input {
  data: BigInt64Array;
  dims: [number, number];
}

export interface OnnxModel {
  /** The inputs the graph declares, e.g. input_ids, attention_mask, token_type_ids. */
  readonly inputNames: readonly string[];
  /** Runs the graph on int64 feeds and returns its first output (logits, [batch, labels]). */
  run(feeds: Record<string, Int64Input>): Promise<{ data: Float32Array; dims: readonly number[] }>;
  release(): Promise<void>;
}

export interface OnnxOptions {
  /** Threads one run may use (onnxruntime's intra-op pool); 1 when several sessions share the cores. */
  intraOpThreads?: number;
}

/** `weights`: the model's bytes, or the path of its file (onnxruntime then reads it without the JS heap). */
export async function createOnnxModel(weights: Uint8Array | string, { intraOpThreads = 1 }: OnnxOptions = {}): Promise<OnnxModel> {
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3, // errors only: graph-optimizer warnings are noise in service logs
  };
  const session =
    typeof weights === 'string' ? await ort.InferenceSession.create(weights, options) : await ort.InferenceSession.create(weights, options);
  const output = session.outputNames[0]!;
  return {
    inputNames: session.inputNames,
    async run(feeds) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, { data, dims }] of Object.entries(feeds)) tensors[name] = new ort.Tensor('int64', data, dims);
      const result = (await session.run(tensors))[output]!;
      return { data: result.data as Float32Array, dims: result.dims };
    },
    release: () => session.release(),
  };
}
