// The two word-list peers the evaluation script compares the model with. Dev dependencies of the repository
// root: only scripts import this module, never packages/model/src.
import Sentiment from 'sentiment';
import vader from 'vader-sentiment';
import type { SentimentLabel } from '../../src/index.js';

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
