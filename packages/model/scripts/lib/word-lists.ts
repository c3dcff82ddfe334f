// The two word-list peers the evaluation script compares the model with. Dev dependencies of the repository
// root: only scripts import this module, never packages/model/src.
import Sentiment from 'sentiment';
import vader from 'vader-sentiment';
import { SENTIMENT_LABELS, type SentimentLabel } from '../../src/index.js';

export interface WordListScorer {
  /** Short name for tables. */
  name: string;
  description: string;
  classify(text: string): SentimentLabel;
}

/** `sentiment` (AFINN-165 word list): summed word score > 0 → positive, < 0 → negative, 0 → neutral. */
export function afinnScorer(): WordListScorer {
  const analyzer = new Sentiment();
  return {
    name: 'AFINN',
    description: 'sentiment (AFINN-165 word list): score > 0 positive, < 0 negative, 0 neutral',
    classify(text) {
      const { score } = analyzer.analyze(text);
      return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
    },
  };
}

/** `vader-sentiment`: compound ≥ 0.05 → positive, ≤ −0.05 → negative, else neutral (VADER's own cut-offs). */
export function vaderScorer(): WordListScorer {
  return {
    name: 'VADER',
    description: 'vader-sentiment: compound >= 0.05 positive, <= -0.05 negative, else neutral',
    classify(text) {
      const { compound } = vader.SentimentIntensityAnalyzer.polarity_scores(text);
      return compound >= 0.05 ? 'positive' : compound <= -0.05 ? 'negative' : 'neutral';
    },
  };
}

export const wordListScorers = (): WordListScorer[] => [afinnScorer(), vaderScorer()];

/**
 * Word lists as weak labellers (train:model --weak-labels): per text, the mean over `scorers` of a one-hot
 * distribution [n, classes] in SENTIMENT_LABELS order. A list's neutral answer means it found no scored word, so
 * it abstains: that list contributes the gold label instead of a vote for neutral. Texts where `skip(i)` holds
 * are not scored: the gold label.
 */
export function weakLabelProbabilities(scorers: WordListScorer[], texts: readonly string[], labels: ArrayLike<number>, skip: (i: number) => boolean = () => false): Float64Array {
  const classes = SENTIMENT_LABELS.length;
  const probs = new Float64Array(texts.length * classes);
  texts.forEach((text, i) => {
    if (skip(i)) {
      probs[i * classes + labels[i]!] = 1;
      return;
    }
    for (const scorer of scorers) {
      const vote = scorer.classify(text);
      const c = vote === 'neutral' ? labels[i]! : SENTIMENT_LABELS.indexOf(vote);
      probs[i * classes + c]! += 1 / scorers.length;
    }
  });
  return probs;
}

/** `afinn,vader` → the named scorers. */
export function scorersByName(spec: string): WordListScorer[] {
  const names = spec.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) throw new Error('--weak-labels names no word list (afinn, vader)');
  return names.map((n) => {
    if (n === 'afinn') return afinnScorer();
    if (n === 'vader') return vaderScorer();
    throw new Error(`--weak-labels: unknown word list "${n}" (afinn, vader)`);
  });
}
