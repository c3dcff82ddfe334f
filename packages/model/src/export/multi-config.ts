// config.json of the three-class GRU ensemble (sentiment-multi-v2).
import { LABELS } from '../training/corpora.js';
import type { GruShape } from '../training/gru-params.js';

export interface MultiConfig {
  name: string;
  shape: GruShape;
  maxLength: number;
  members: number;
  temperature: number;
  corpora: string[];
}

export function multiConfigJson(c: MultiConfig): object {
  return {
    architectures: ['BiGruMaxPoolEnsembleForSequenceClassification'],
    model_type: 'bigru-maxpool-ensemble',
    name: c.name,
    id2label: Object.fromEntries(LABELS.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(LABELS.map((l, i) => [l, i])),
    num_labels: LABELS.length,
    problem_type: 'single_label_classification',
    max_position_embeddings: c.maxLength,
    max_length: c.maxLength,
    vocab_size: c.shape.vocab,
    embedding_size: c.shape.embed,
    hidden_size: c.shape.hidden,
    num_directions: 2,
    pooling: 'max',
    ensemble_size: c.members,
    pad_token_id: 0,
    temperature: Number(c.temperature.toFixed(6)),
    text_normalization: { file: 'normalizer.json', type: 'social-v1' },
    training_corpora: c.corpora,
    onnx: {
      file: 'onnx/model.onnx',
      inputs: ['input_ids', 'attention_mask'],
      output: 'logits',
      output_is: 'log(mean member probabilities) / temperature',
    },
  };
}
