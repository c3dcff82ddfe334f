// Maps a model's own label names (config.json id2label) onto the system's three sentiment labels.
import { SENTIMENT_LABELS, type SentimentLabel } from '../classifier.js';

// Hub sentiment models spell their labels many ways (NEGATIVE, Negative, neg); LABEL_0 and the like carry
// no meaning, so they are rejected rather than guessed.
const ALIASES: Record<string, SentimentLabel> = {
  negative: 'negative',
  neg: 'negative',
  neutral: 'neutral',
  neu: 'neutral',
  positive: 'positive',
  pos: 'positive',
};

export function normaliseLabel(name: string): SentimentLabel | undefined {
  return ALIASES[name.trim().toLowerCase()];
}

interface LabelConfig {
  id2label?: Record<string, string>;
  label2id?: Record<string, number>;
}

/**
 * The labels in output order (index i = logit i). Throws a plain Error describing the problem;
 * the caller wraps it with the model's location.
 */
export function labelsFromConfig(config: LabelConfig): SentimentLabel[] {
  let id2label = config.id2label;
  if (!id2label && config.label2id) {
    id2label = Object.fromEntries(Object.entries(config.label2id).map(([label, id]) => [String(id), label]));
  }
  if (!id2label || Object.keys(id2label).length === 0) throw new Error('has no id2label (or label2id)');
  const count = Object.keys(id2label).length;
  const labels: SentimentLabel[] = [];
  for (let i = 0; i < count; i++) {
    const name = id2label[String(i)];
    if (name === undefined) throw new Error(`id2label has no entry for index ${i} (indices must be 0..${count - 1})`);
    const label = normaliseLabel(name);
    if (!label) throw new Error(`id2label label "${name}" is not one of ${SENTIMENT_LABELS.join('/')}`);
    if (labels.includes(label)) throw new Error(`id2label names ${label} twice`);
    labels.push(label);
  }
  if (labels.length < 2) throw new Error('id2label needs at least two labels');
  if (!labels.includes('negative') || !labels.includes('positive')) {
    throw new Error('id2label must include a negative and a positive label');
  }
  if (config.id2label && config.label2id) {
    for (const [name, id] of Object.entries(config.label2id)) {
      if (normaliseLabel(name) !== labels[id]) {
        throw new Error(`label2id ${name}=${id} disagrees with id2label`);
      }
    }
  }
  return labels;
}
