// Writes a model folder in the shipped model's layout (same tokenizer files, inputs and output) whose ONNX
// graph is a random-weight transformer: what serving a DistilBERT-class model costs, for benchmarks only.
import fs from 'node:fs';
import path from 'node:path';
import { defaultModelDir } from '../default-model.js';
import { DISTILBERT_SHAPE, parameterCount, randomTransformerOnnx, type TransformerShape } from './transformer-onnx.js';

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];

export interface HeavyModelOptions {
  /** Overrides of DistilBERT's shape (tests build a small variant with the same code). */
  shape?: Partial<Omit<TransformerShape, 'vocabSize'>>;
  seed?: number;
  /** Folder whose tokenizer files are copied (default: the shipped model). */
  tokenizerFrom?: string;
}

export interface HeavyModelSummary {
  dir: string;
  shape: TransformerShape;
  parameters: number;
  onnxBytes: number;
}

export function writeHeavyModel(dir: string, { shape: overrides, seed = 1, tokenizerFrom = defaultModelDir }: HeavyModelOptions = {}): HeavyModelSummary {
  const tokenizer = JSON.parse(fs.readFileSync(path.join(tokenizerFrom, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  const shape: TransformerShape = { ...DISTILBERT_SHAPE, ...overrides, vocabSize: Object.keys(tokenizer.model.vocab).length };
  const name = path.basename(path.resolve(dir));
  const onnx = randomTransformerOnnx(shape, { seed, name, docString: 'random weights, for benchmarks only' });

  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const file of TOKENIZER_FILES) fs.copyFileSync(path.join(tokenizerFrom, file), path.join(dir, file));
  const config = {
    architectures: ['DistilBertForSequenceClassification'],
    model_type: 'distilbert',
    name,
    id2label: { '0': 'negative', '1': 'positive' },
    label2id: { negative: 0, positive: 1 },
    num_labels: shape.labels,
    // The tokenizer truncates to this (the loader caps sequences at max_position_embeddings).
    max_position_embeddings: shape.maxPositions,
    max_length: shape.maxPositions,
    vocab_size: shape.vocabSize,
    dim: shape.hidden,
    n_layers: shape.layers,
    n_heads: shape.heads,
    hidden_dim: shape.feedForward,
    activation: 'gelu',
    pad_token_id: 0,
    random_weights_seed: seed,
    onnx: { file: 'onnx/model.onnx', inputs: ['input_ids', 'attention_mask'], output: 'logits' },
  };
  fs.writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    [
      `# ${name}`,
      '',
      `A ${shape.layers}-layer transformer encoder with DistilBERT's shapes (hidden ${shape.hidden}, ${shape.heads} heads,`,
      `feed-forward ${shape.feedForward}, GELU, layer norms, masked self-attention, max length ${shape.maxPositions}, [CLS] pooling →`,
      `pre-classifier ${shape.hidden} + ReLU → ${shape.labels} logits) and RANDOM weights (normal(0, 0.02), seed ${seed}).`,
      `${parameterCount(shape).toLocaleString('en')} parameters. Its answers mean nothing: it exists to measure what serving a`,
      'DistilBERT-class model costs. Same inputs, output and tokenizer files as sentiment-sst2-v1.',
      'Made by `npm run bench:make-heavy-model`; never shipped.',
      '',
    ].join('\n'),
  );
  // Written last and renamed into place: a folder with onnx/model.onnx is complete (callers check for it).
  const onnxPath = path.join(dir, 'onnx', 'model.onnx');
  fs.writeFileSync(`${onnxPath}.partial`, onnx);
  fs.renameSync(`${onnxPath}.partial`, onnxPath);
  return { dir, shape, parameters: parameterCount(shape), onnxBytes: onnx.byteLength };
}
