// The in-process classifier: tokenizer + ONNX session + batching, all on the calling thread.
import type { Classifier, ClassifierInfo, Classification, SentimentLabel } from './classifier.js';
import { createOnnxModel, type Int64Input, type OnnxModel } from './onnx-session.js';
import { buildFeeds, planBatches } from './runtime/batching.js';
import { ModelLoadError } from './model-load-error.js';
import { labelsFromConfig } from './runtime/labels.js';
import { ModelFiles, modelName } from './runtime/model-files.js';
import { modelVersion, type ModelVersionParts } from './runtime/model-version.js';
import { DEFAULT_NEUTRAL_THRESHOLD, softmax, toClassification } from './runtime/scoring.js';
import { loadModelTokenizer } from './runtime/model-tokenizer.js';
import type { ModelSource, WordPieceTokenizer } from './transformers-js.js';

export interface ClassifierTuning {
  /** onnxruntime intra-op threads per run (default 1: several sessions usually share the cores). */
  intraOpThreads?: number;
  /** Binary models answer `neutral` below this top probability (default 0.6, 0 disables). */
  neutralThreshold?: number;
  /** Cap on tokens per text, [CLS]/[SEP] included; the model's own limit always applies. */
  maxLength?: number;
  /** Texts per ONNX run (default 32). */
  maxBatchSize?: number;
  /** true: only onnx/model_quantized.onnx; false: only onnx/model.onnx; unset: see ModelFiles.locateOnnx. */
  quantized?: boolean;
}

export type ClassifierOptions = ModelSource & ClassifierTuning;

/** The in-process classifier, with its two stages exposed for benchmarks. */
export interface LocalClassifier extends Classifier {
  /** Token ids per text ([CLS] … [SEP], truncated to info.maxLength). */
  tokenize(texts: string[]): number[][];
  /** Runs already tokenized texts; results in input order. */
  predictTokenized(sequences: number[][]): Promise<Classification[]>;
}

const SUPPORTED_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

/**
 * Opens the ONNX weights. A function of its own so that a Hub model's bytes become garbage once the
 * session exists (onnxruntime keeps its own copy): a closure in loadClassifier would keep them alive.
 */
async function openOnnx(files: ModelFiles, options: ClassifierOptions): Promise<{ model: OnnxModel; file: string; sha256: string }> {
  const { file, weights, sha256 } = await files.locateOnnx(options.quantized);
  try {
    return { model: await createOnnxModel(weights, { intraOpThreads: options.intraOpThreads ?? 1 }), file, sha256 };
  } catch (error) {
    files.fail(`${file} is not a valid ONNX model (${(error as Error).message})`, error);
  }
}

/** Model files whose bytes change answers besides the ONNX weights; a missing optional one is left out. */
const VERSIONED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
const OPTIONAL_VERSIONED_FILES = ['normalizer.json'] as const;

/**
 * sha256 of the model files that go into ClassifierInfo.version besides the ONNX file in use (hashed when
 * it is located). Called before the ONNX session exists, so a failure here has nothing to release.
 */
async function hashVersionedFiles(files: ModelFiles): Promise<ModelVersionParts['files']> {
  const hashed: ModelVersionParts['files'] = [];
  for (const file of [...VERSIONED_FILES, ...OPTIONAL_VERSIONED_FILES]) {
    const sha256 = await files.sha256(file);
    if (sha256 !== undefined) hashed.push({ path: file, sha256 });
    else if ((VERSIONED_FILES as readonly string[]).includes(file)) files.fail(`${file} is missing`);
  }
  return hashed;
}

export async function loadClassifier(options: ClassifierOptions): Promise<LocalClassifier> {
  // Annotated so TypeScript treats files.fail() (returns never) as ending the control flow.
  const files: ModelFiles = new ModelFiles(options);
  files.checkFolder();

  const config = await files.readJson('config.json');
  let labels: SentimentLabel[];
  try {
    labels = labelsFromConfig(config as Parameters<typeof labelsFromConfig>[0]);
  } catch (error) {
    files.fail(`config.json ${(error as Error).message}`);
  }

  // Checked here first so a missing or broken file is named, not reported as a tokenizer stack trace.
  await files.readJson('tokenizer.json');
  await files.readJson('tokenizer_config.json');
  const positions = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : Infinity;
  const cap = Math.min(options.maxLength ?? Infinity, positions);
  let tokenizer: WordPieceTokenizer;
  try {
    tokenizer = await loadModelTokenizer(options, Number.isFinite(cap) ? cap : undefined, files);
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    files.fail(`tokenizer.json could not be loaded as a tokenizer (${(error as Error).message})`, error);
  }

  const versionedFiles = await hashVersionedFiles(files);
  const { model, file: onnxFile, sha256 } = await openOnnx(files, options);
  const fail = async (problem: string, cause?: unknown): Promise<never> => {
    await model.release();
    return files.fail(problem, cause);
  };
  const unsupported = model.inputNames.filter((name) => !SUPPORTED_INPUTS.has(name));
  if (!model.inputNames.includes('input_ids') || unsupported.length > 0) {
    await fail(`${onnxFile} must take input_ids (and optionally attention_mask, token_type_ids), not ${model.inputNames.join(', ')}`);
  }

  const neutralThreshold = options.neutralThreshold ?? DEFAULT_NEUTRAL_THRESHOLD;
  const name = modelName(options);
  const info: ClassifierInfo = {
    name,
    // Everything that changes answers: the files, the ONNX file in use, the effective token limit and, for a
    // model without a neutral class, the threshold (a three-class model ignores it: no version split).
    version: modelVersion(name, {
      files: [...versionedFiles, { path: onnxFile, sha256 }],
      settings: { maxLength: tokenizer.maxLength, neutralThreshold: labels.includes('neutral') ? undefined : neutralThreshold },
    }),
    labels,
    maxLength: tokenizer.maxLength,
  };
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? 32);
  let closed = false;

  async function runBatch(sequences: number[][], width: number): Promise<Classification[]> {
    const all = buildFeeds(sequences, width, tokenizer.padId);
    const feeds: Record<string, Int64Input> = {};
    for (const input of model.inputNames) feeds[input] = all[input as keyof typeof all];
    const { data, dims } = await model.run(feeds);
    if (dims.length !== 2 || dims[0] !== sequences.length || dims[1] !== labels.length) {
      throw new Error(`${onnxFile} returned shape [${dims}], expected [${sequences.length}, ${labels.length}] (config.json has ${labels.length} labels)`);
    }
    return sequences.map((_, row) => toClassification(softmax(data, row * labels.length, labels.length), labels, neutralThreshold));
  }

  const classifier: LocalClassifier = {
    info,
    tokenize: (texts) => texts.map((text) => tokenizer.encode(text)),
    async predictTokenized(sequences) {
      if (closed) throw new Error(`classifier ${info.version} is closed`);
      const results = new Array<Classification>(sequences.length);
      for (const plan of planBatches(sequences.map((s) => s.length), maxBatchSize)) {
        const predictions = await runBatch(plan.indices.map((i) => sequences[i]!), plan.width);
        plan.indices.forEach((inputIndex, row) => (results[inputIndex] = predictions[row]!));
      }
      return results;
    },
    async predict(texts) {
      if (closed) throw new Error(`classifier ${info.version} is closed`);
      if (texts.length === 0) return [];
      const bad = texts.findIndex((t) => typeof t !== 'string');
      if (bad >= 0) throw new TypeError(`predict: texts[${bad}] is not a string`);
      return classifier.predictTokenized(classifier.tokenize(texts));
    },
    async close() {
      if (closed) return;
      closed = true;
      await model.release();
    },
  };

  // One run on an empty text checks the output shape now, rather than on the first real request.
  try {
    await runBatch([tokenizer.encode('')], tokenizer.encode('').length);
  } catch (error) {
    await fail(`cannot score a test input: ${(error as Error).message}`, error);
  }
  return classifier;
}
