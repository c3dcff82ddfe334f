/** The one door to the model: everything outside packages/model sees only this. */
export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface Prediction {
  label: SentimentLabel;
  /** Probability of `label` (for an abstained binary answer: the top class' probability). */
  confidence: number;
  /** One probability per label the model itself outputs (see `info.labels`). */
  scores: Partial<Record<SentimentLabel, number>>;
}

export interface ClassifierInfo {
  name: string;
  /** Stored with every prediction as model_version, e.g. `sentiment-sst2-v1+1a2b3c4d`. */
  version: string;
  labels: SentimentLabel[];
  maxLength: number;
}

export interface Classifier {
  readonly info: ClassifierInfo;
  /** Results in input order; `[]` for `[]`. */
  predict(texts: string[]): Promise<Prediction[]>;
  close(): Promise<void>;
}
