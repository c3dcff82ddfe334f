// config.json of a three-class model trained by the v2 recipe (architecture fields come from the trainer).
import { SENTIMENT_LABELS } from '../classifier.js';

export interface MultiConfig {
  name: string;
  vocab: number;
  maxLength: number;
  temperature: number;
  classBias: number[];
  corpora: string[];
  architecture: Record<string, unknown>;
}

export function multiConfigJson(c: MultiConfig): object {
  const { output_is: outputIs, ...architecture } = c.architecture;
  return {
    ...architecture,
    name: c.name,
    id2label: Object.fromEntries(SENTIMENT_LABELS.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(SENTIMENT_LABELS.map((l, i) => [l, i])),
    num_labels: SENTIMENT_LABELS.length,
    problem_type: 'single_label_classification',
    max_position_embeddings: c.maxLength,
    max_length: c.maxLength,
    vocab_size: c.vocab,
    pad_token_id: 0,
    temperature: Number(c.temperature.toFixed(6)),
    class_bias: c.classBias.map((b) => Number(b.toFixed(6))),
    text_normalization: { file: 'normalizer.json', type: 'social-v1' },
    training_corpora: c.corpora,
    onnx: { file: 'onnx/model.onnx', inputs: ['input_ids', 'attention_mask'], output: 'logits', output_is: outputIs },
  };
}
