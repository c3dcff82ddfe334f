// One labelled set of texts scored for the eval script (npm run eval:model): the model, the word lists beside it
// on the same texts, the target each corpus is held to, and how much of every figure is sampling (bootstrap).
import { bootstrapInterval, calibratedEceInterval, pick, type Interval } from '../../src/eval/bootstrap.js';
import { accuracy, calibrationBins, expectedCalibrationError, macroRecall, scoreSystem, type CalibrationBin, type SystemScores } from '../../src/eval/metrics.js';
import { SENTIMENT_LABELS, type Classification, type Classifier, type SentimentLabel } from '../../src/index.js';
import type { Example } from '../../src/training/corpora.js';
import type { WordListScorer } from './word-lists.js';

/** The project's targets: three-class corpora, model macro-recall ≥ best peer + 0.05; SST-2, binary accuracy ≥ 0.85. */
export const TARGET_MARGIN = 0.05;
export const TARGET_BINARY_ACCURACY = 0.85;

/** The held-out splits of the corpora: dev for the figures reported, calibration where the recipe selects. */
export const SPLITS = ['dev', 'calibration'] as const;
export type Split = (typeof SPLITS)[number];

export interface Peer {
  /** JSON key. */
  key: string;
  scorer: WordListScorer;
}

export interface CorpusResult {
  corpus: string;
  domain: string;
  source: string;
  texts: number;
  /**
   * Binary gold (SST-2): every system is scored on negative/positive answers. The model's answer is the argmax
   * of its negative and positive scores only; a word list's `neutral` answer counts as wrong.
   */
  binary: boolean;
  /** `macroRecall` (three-class gold) or `accuracy` (binary gold: binary accuracy). */
  targetMetric: 'macroRecall' | 'accuracy';
  /** Model minus the best peer on targetMetric. */
  margin: number;
  /**
   * 95 % paired bootstrap intervals (1,000 resamples of the rows, seeded): of the margin (the best peer chosen
   * again on each resample), of the model's targetMetric and of its ECE. How much of a figure is this sample's.
   * `calibratedEce`: the ECE a perfectly calibrated model with these confidences would show on this many texts.
   */
  intervals: { margin: Interval; model: Interval; ece: Interval; calibratedEce: Interval };
  /** With --compare: the other model on the same texts (its targetMetric and ECE), and model − other. */
  comparison?: { version: string; figure: number; ece: number; difference: number; interval: Interval };
  targetRule: string;
  targetMet: boolean;
  /** Keyed `model` and the peers' keys (`afinn`, `vader`). */
  systems: Record<string, SystemScores>;
  /** Binary gold only: the model's own answers (`prediction.label`, neutral threshold included). */
  modelLabels?: SystemScores;
  /** The model's reliability bins (10 equal-width bins of the top-class confidence), as ECE uses them. */
  modelCalibration: CalibrationBin[];
  modelSeconds: number;
  modelTextsPerSecond: number;
}

const goldLabel = (e: Example): SentimentLabel => SENTIMENT_LABELS[e.label];

/** The class with the highest score among those the model outputs. */
function topClass(p: Classification): SentimentLabel {
  let best: SentimentLabel | undefined;
  for (const label of SENTIMENT_LABELS) {
    const s = p.scores[label];
    if (s !== undefined && (best === undefined || s > p.scores[best]!)) best = label;
  }
  if (best === undefined) throw new Error('a prediction without scores');
  return best;
}

/**
 * A model's answers as scored: on three-class gold its labels, with the top-class probability for calibration;
 * on binary gold (SST-2) its negative-vs-positive answers.
 */
function scoredAnswers(predictions: Classification[], gold: SentimentLabel[], binary: boolean): { answers: SentimentLabel[]; confidences: number[]; correct: boolean[] } {
  if (binary) {
    const answers = predictions.map(binaryAnswer);
    return { answers: answers.map((a) => a.label), confidences: answers.map((a) => a.confidence), correct: answers.map((a, i) => a.label === gold[i]) };
  }
  return { answers: predictions.map((p) => p.label), confidences: predictions.map((p) => p.confidence), correct: predictions.map((p, i) => topClass(p) === gold[i]) };
}

/** Negative vs positive only: the answer and its probability renormalized over the two. */
function binaryAnswer(p: Classification): { label: SentimentLabel; confidence: number } {
  const neg = p.scores.negative;
  const pos = p.scores.positive;
  if (neg === undefined || pos === undefined) throw new Error('binary accuracy needs negative and positive scores from the model');
  const total = neg + pos;
  return pos > neg ? { label: 'positive', confidence: total > 0 ? pos / total : 0.5 } : { label: 'negative', confidence: total > 0 ? neg / total : 0.5 };
}

export async function evaluate(
  rows: Example[],
  meta: { corpus: string; domain: string; source: string },
  classifier: Classifier,
  peers: Peer[],
  other?: Classifier,
): Promise<CorpusResult> {
  if (rows.length === 0) throw new Error(`${meta.source}: no labelled rows`);
  const binary = rows[0]!.binary;
  if (rows.some((r) => r.binary !== binary)) throw new Error(`${meta.source}: mixes binary and three-class rows`);
  const texts = rows.map((r) => r.text);
  const gold = rows.map(goldLabel);

  // One call: the classifier cuts it into batches itself.
  const started = process.hrtime.bigint();
  const predictions = await classifier.predict(texts);
  const modelSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const systems: Record<string, SystemScores> = {};
  const { answers: modelAnswers, confidences, correct } = scoredAnswers(predictions, gold, binary);
  systems.model = scoreSystem(gold, modelAnswers, { confidences, correct });
  const modelLabels = binary ? scoreSystem(gold, predictions.map((p) => p.label)) : undefined;
  const peerLabels = peers.map((peer) => texts.map((t) => peer.scorer.classify(t)));
  peers.forEach((peer, i) => (systems[peer.key] = scoreSystem(gold, peerLabels[i]!)));

  const targetMetric = binary ? 'accuracy' : 'macroRecall';
  const model = systems.model[targetMetric];
  const margin = model - Math.max(...peers.map((p) => systems[p.key]![targetMetric]));
  const metric = binary ? accuracy : macroRecall;
  const onRows = (labels: SentimentLabel[], sample: Uint32Array) => metric(pick(gold, sample), pick(labels, sample));
  const intervals = {
    model: bootstrapInterval(rows.length, (sample) => onRows(modelAnswers, sample)),
    margin: bootstrapInterval(rows.length, (sample) => onRows(modelAnswers, sample) - Math.max(...peerLabels.map((labels) => onRows(labels, sample)))),
    ece: bootstrapInterval(rows.length, (sample) => expectedCalibrationError(pick(confidences, sample), pick(correct, sample))),
    calibratedEce: calibratedEceInterval(confidences),
  };
  let comparison: CorpusResult['comparison'];
  if (other) {
    const theirs = scoredAnswers(await other.predict(texts), gold, binary);
    const figure = metric(gold, theirs.answers);
    comparison = {
      version: other.info.version,
      figure,
      ece: expectedCalibrationError(theirs.confidences, theirs.correct),
      difference: model - figure,
      interval: bootstrapInterval(rows.length, (sample) => onRows(modelAnswers, sample) - onRows(theirs.answers, sample)),
    };
  }
  return {
    ...meta,
    texts: rows.length,
    binary,
    targetMetric,
    margin,
    intervals,
    ...(comparison && { comparison }),
    targetRule: binary ? `model binary accuracy >= ${TARGET_BINARY_ACCURACY}` : `model macro-recall - best peer >= ${TARGET_MARGIN}`,
    targetMet: binary ? model >= TARGET_BINARY_ACCURACY : margin >= TARGET_MARGIN,
    systems,
    ...(modelLabels && { modelLabels }),
    modelCalibration: calibrationBins(confidences, correct),
    modelSeconds,
    modelTextsPerSecond: rows.length / modelSeconds,
  };
}
