/** The one door to the model: everything outside packages/model sees only this. */
import { SENTIMENTS, type Sentiment } from '@sentiment/core';

/** The labels a model may output: the system's sentiments (@sentiment/core), in the three-class models' order. */
export const SENTIMENT_LABELS = SENTIMENTS;
export type SentimentLabel = Sentiment;

/** The model's answer for one text (stored, it becomes a prediction row; returned, a prediction). */
export interface Classification {
  label: SentimentLabel;
  /** Probability of `label` (for an abstained binary answer: the top class' probability). */
  confidence: number;
  /** One probability per label the model itself outputs (see `info.labels`). */
  scores: Partial<Record<SentimentLabel, number>>;
}

export interface ClassifierInfo {
  name: string;
  /**
   * Stored with every prediction as model_version (varchar(50)) and keying cached answers, e.g.
   * `sentiment-sst2-v1+1a2b3c4d`: the name, compacted to at most 41 characters, `+`, and 8 hex of a sha256
   * over everything that changes answers: config.json, tokenizer.json, tokenizer_config.json, normalizer.json
   * (when present), the ONNX file in use, the effective token limit and, for a model without a neutral
   * class, the neutral threshold. Never longer than 50 characters; see runtime/model-version.ts.
   */
  version: string;
  labels: SentimentLabel[];
  maxLength: number;
}

export interface Classifier {
  readonly info: ClassifierInfo;
  /** Results in input order; `[]` for `[]`. */
  predict(texts: string[]): Promise<Classification[]>;
  close(): Promise<void>;
}
