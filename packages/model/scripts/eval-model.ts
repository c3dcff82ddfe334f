// How good is a model, next to two word-list scorers run on the same texts (AFINN-165 via `sentiment`,
// VADER via `vader-sentiment`)? Works for binary (negative/positive) and three-class models alike.
//
//   npm run eval:model -- --data FILE [--model DIR]                   one labelled TSV, detailed report
//   npm run eval:model -- --all [--model DIR] [--data-dir DIR]        every corpus' dev split, summary table
//   … --split calibration                                             the calibration splits instead (the selection rule's)
//   npm run eval:model -- --everyday [--baseline DIR]                 20 everyday sentences, markdown table
//   … --json FILE                                                     also every figure as JSON
//
// Paths are relative to the repo root. See USAGE below for the details.
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EVERYDAY_SENTENCES } from '../src/export/everyday-sentences.js';
import { bootstrapInterval, calibratedEceInterval, pick, type Interval } from '../src/eval/bootstrap.js';
import { accuracy, calibrationBins, CLASSES, expectedCalibrationError, macroRecall, scoreSystem, type CalibrationBin, type SystemScores } from '../src/eval/metrics.js';
import {
  DEFAULT_NEUTRAL_THRESHOLD,
  defaultModelDir,
  loadClassifier,
  SENTIMENT_LABELS,
  type Classifier,
  type Classification,
  type SentimentLabel,
} from '../src/index.js';
import { CORPORA, loadCorpus, readLabelledTsv, type CorpusSpec, type Example } from '../src/training/corpora.js';
import { wordListScorers, type WordListScorer } from './lib/word-lists.js';

/** Script paths are relative to the repo root, whatever the cwd npm gives the script. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const defaultDataDir = path.resolve(repoRoot, '..', 'shared', 'data');

/** The project's targets: three-class corpora, model macro-recall ≥ best peer + 0.05; SST-2, binary accuracy ≥ 0.85. */
const TARGET_MARGIN = 0.05;
const TARGET_BINARY_ACCURACY = 0.85;
/** Resamples of each bootstrap interval (bootstrap.ts' default). */
const BOOTSTRAP_RESAMPLES = 1000;

const USAGE = `usage:
  npm run eval:model -- --data FILE [--model DIR] [--compare DIR] [--json FILE] [--everyday [--baseline DIR]]
  npm run eval:model -- --all [--split dev|calibration] [--data-dir DIR] [--model DIR] [--compare DIR] [--json FILE] [--everyday [--baseline DIR]]
  npm run eval:model -- --everyday [--baseline DIR] [--model DIR] [--json FILE]

  --data FILE      one labelled TSV ("sentence<TAB>label" SST-2 0/1, or "text<TAB>label" negative/neutral/positive)
  --all            the dev split of every corpus in packages/model/src/training/corpora.ts
  --split S        with --all: dev (default) or calibration, the held-out splits train:model selects and
                   calibrates on (compare candidates there, and keep dev for the figures you report)
  --data-dir DIR   where the corpora live with --all (default: ../shared/data)
  --model DIR      model folder (default: the package's default model)
  --json FILE      also write every figure as JSON
  --everyday       a markdown table of the model's answers on 20 everyday sentences
  --baseline DIR   with --everyday: another model's answers next to it (e.g. the v1 folder)
  --compare DIR    with --data or --all: another model on the same texts, the difference of the target figure
                   (macro-recall; SST-2 binary accuracy) with its 95 % paired bootstrap interval
  Paths are relative to the repository root. --data and --all exclude each other; give at least one of
  --data, --all, --everyday.`;

class UsageError extends Error {}

interface Options {
  data?: string;
  all: boolean;
  dataDir: string;
  modelDir: string;
  json?: string;
  everyday: boolean;
  baseline?: string;
  compare?: string;
  split: Split;
}

const SPLITS = ['dev', 'calibration'] as const;
type Split = (typeof SPLITS)[number];

function parseCli(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        all: { type: 'boolean' },
        'data-dir': { type: 'string' },
        model: { type: 'string' },
        json: { type: 'string' },
        everyday: { type: 'boolean' },
        baseline: { type: 'string' },
        compare: { type: 'string' },
        split: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const all = values.all ?? false;
  const everyday = values.everyday ?? false;
  if (values.data !== undefined && all) throw new UsageError('--data and --all exclude each other');
  if (values.data === undefined && !all && !everyday) throw new UsageError('nothing to do: give --data FILE, --all or --everyday');
  if (values['data-dir'] !== undefined && !all) throw new UsageError('--data-dir only applies to --all');
  if (values.split !== undefined && !all) throw new UsageError('--split only applies to --all');
  if (values.split !== undefined && !(SPLITS as readonly string[]).includes(values.split)) throw new UsageError(`--split must be one of ${SPLITS.join(', ')}`);
  if (values.baseline !== undefined && !everyday) throw new UsageError('--baseline only applies to --everyday');
  if (values.compare !== undefined && values.data === undefined && !all) throw new UsageError('--compare needs --data or --all');
  for (const [name, value] of Object.entries(values)) {
    if (value === '') throw new UsageError(`--${name} needs a non-empty value`);
  }

  const resolve = (p: string) => path.resolve(repoRoot, p);
  const options: Options = {
    all,
    everyday,
    split: (values.split ?? 'dev') as Split,
    dataDir: resolve(values['data-dir'] ?? defaultDataDir),
    modelDir: values.model !== undefined ? resolve(values.model) : defaultModelDir,
    ...(values.data !== undefined && { data: resolve(values.data) }),
    ...(values.json !== undefined && { json: resolve(values.json) }),
    ...(values.baseline !== undefined && { baseline: resolve(values.baseline) }),
    ...(values.compare !== undefined && { compare: resolve(values.compare) }),
  };
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  if (options.data !== undefined && !isFile(options.data)) throw new UsageError(`--data: no such file ${options.data}`);
  if (!isDir(options.modelDir)) throw new UsageError(`--model: no such folder ${options.modelDir}`);
  if (options.baseline !== undefined && !isDir(options.baseline)) throw new UsageError(`--baseline: no such folder ${options.baseline}`);
  if (options.compare !== undefined && !isDir(options.compare)) throw new UsageError(`--compare: no such folder ${options.compare}`);
  if (options.all) {
    if (!isDir(options.dataDir)) throw new UsageError(`--data-dir: no such folder ${options.dataDir}`);
    const missing = CORPORA.filter((c) => !isFile(path.join(options.dataDir, c.name, 'train.tsv'))).map((c) => c.name);
    if (missing.length > 0) throw new UsageError(`--all: ${options.dataDir} lacks ${missing.join(', ')} (each needs <name>/train.tsv)`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation of one set of texts

interface Peer {
  /** JSON key. */
  key: string;
  scorer: WordListScorer;
}

interface CorpusResult {
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

async function evaluate(
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
  const bootstrap = { resamples: BOOTSTRAP_RESAMPLES };
  const intervals = {
    model: bootstrapInterval(rows.length, (sample) => onRows(modelAnswers, sample), bootstrap),
    margin: bootstrapInterval(rows.length, (sample) => onRows(modelAnswers, sample) - Math.max(...peerLabels.map((labels) => onRows(labels, sample))), bootstrap),
    ece: bootstrapInterval(rows.length, (sample) => expectedCalibrationError(pick(confidences, sample), pick(correct, sample)), bootstrap),
    calibratedEce: calibratedEceInterval(confidences, expectedCalibrationError, bootstrap),
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
      interval: bootstrapInterval(rows.length, (sample) => onRows(modelAnswers, sample) - onRows(theirs.answers, sample), bootstrap),
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

// ---------------------------------------------------------------------------------------------------------
// Printing

const num = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(3));
const signed = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const range = ({ low, high }: Interval, format: (x: number) => string = num) => `[${format(low)}, ${format(high)}]`;

/** A markdown table with padded columns; `align` 'r' right-aligns a column. */
function table(headers: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length), 3));
  const cell = (s: string, c: number) => (align[c] === 'r' ? s.padStart(widths[c]!) : s.padEnd(widths[c]!));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (align[c] === 'r' ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

function systemNames(modelName: string, peers: Peer[]): Record<string, string> {
  return { model: modelName, ...Object.fromEntries(peers.map((p) => [p.key, p.scorer.name])) };
}

function printDetailed(r: CorpusResult, modelName: string, peers: Peer[]): void {
  const names = systemNames(modelName, peers);
  const keys = ['model', ...peers.map((p) => p.key)];
  console.log(`data    ${r.source}: ${r.texts} texts, ${r.binary ? 'binary gold (negative / positive)' : 'three-class gold'}`);
  const goldCounts = CLASSES.map((c, i) => `${c} ${r.systems.model!.confusion[i]!.reduce((a, b) => a + b, 0)}`).join(', ');
  console.log(`gold    ${goldCounts}`);
  console.log(`speed   model ${r.modelTextsPerSecond.toFixed(0)} texts/s in-process (${r.modelSeconds.toFixed(2)} s)\n`);

  if (r.binary) {
    console.log(
      'Binary gold: accuracy is binary accuracy. The model answers by its negative vs positive scores only ' +
        '(no neutral threshold); a word list answering neutral is wrong.',
    );
  }
  const present = CLASSES.filter((_, i) => r.systems.model!.confusion[i]!.some((n) => n > 0));
  console.log(
    table(
      ['system', r.binary ? 'binary accuracy' : 'accuracy', 'macro-recall', 'macro-F1', 'ECE', ...present.map((c) => `recall ${c}`), 'answered neutral'],
      keys.map((k) => {
        const s = r.systems[k]!;
        return [names[k]!, num(s.accuracy), num(s.macroRecall), num(s.macroF1), num(s.ece), ...present.map((c) => num(s.recall[c])), pct(s.neutralRate)];
      }),
      ['l', 'r', 'r', 'r', 'r', ...present.map(() => 'r' as const), 'r'],
    ),
  );
  const metricName = r.binary ? 'binary accuracy' : 'macro-recall';
  console.log(`\nmargin  model − best peer (${metricName}): ${signed(r.margin)}; target (${r.targetRule}): ${r.targetMet ? 'met' : 'NOT met'}`);
  const { intervals: ci } = r;
  console.log(
    `95 %    intervals (paired bootstrap, ${BOOTSTRAP_RESAMPLES} resamples of these texts): model ${metricName} ${range(ci.model)}, ` +
      `margin ${range(ci.margin, signed)}, model ECE ${range(ci.ece)}; ECE of a perfectly calibrated model with these confidences ${range(ci.calibratedEce)}`,
  );
  if (r.comparison) {
    const c = r.comparison;
    console.log(
      `compare ${c.version}: ${metricName} ${num(c.figure)}, ECE ${num(c.ece)}; model − it ${signed(c.difference)}, 95 % interval ${range(c.interval, signed)}`,
    );
  }
  if (r.modelLabels) {
    const l = r.modelLabels;
    const answered = r.texts - Math.round(l.neutralRate * r.texts);
    const right = Math.round(l.accuracy * r.texts);
    console.log(
      `model's own answers (prediction.label, neutral threshold ${DEFAULT_NEUTRAL_THRESHOLD} for binary models): ` +
        `neutral on ${r.texts - answered} texts (${pct(l.neutralRate)}); accuracy on all ${num(l.accuracy)}, on answered ${num(right / (answered || 1))}`,
    );
  }

  console.log('\nconfusion matrices (rows: gold, columns: predicted negative / neutral / positive)');
  const rowsShown = CLASSES.map((c, i) => ({ c, i })).filter(({ i }) => r.systems.model!.confusion[i]!.some((n) => n > 0));
  const matrixCell = (m: number[][], i: number) => m[i]!.map((n) => String(n).padStart(5)).join(' ');
  console.log(
    table(
      ['gold', ...keys.map((k) => names[k]!)],
      rowsShown.map(({ c, i }) => [c, ...keys.map((k) => matrixCell(r.systems[k]!.confusion, i))]),
      ['l', ...keys.map(() => 'r' as const)],
    ),
  );

  console.log(`\nmodel reliability (10 equal-width bins of the ${r.binary ? 'negative-vs-positive' : 'top-class'} confidence; ECE ${num(r.systems.model!.ece)})`);
  console.log(
    table(
      ['confidence', 'texts', 'mean confidence', 'accuracy'],
      r.modelCalibration.filter((b) => b.count > 0).map((b) => [`${b.low.toFixed(1)}–${b.high.toFixed(1)}`, String(b.count), num(b.meanConfidence), num(b.accuracy)]),
      ['l', 'r', 'r', 'r'],
    ),
  );
}

function printSummary(results: CorpusResult[], modelName: string, peers: Peer[], split: Split): void {
  const peerNames = peers.map((p) => p.scorer.name);
  const headers = [
    'corpus',
    'domain',
    'texts',
    'model macro-recall',
    ...peerNames.map((n) => `${n} macro-recall`),
    'margin',
    'target figure, 95 % interval',
    'target met',
    'model accuracy',
    'model macro-F1',
    'model ECE',
    'ECE, 95 % interval',
    'ECE if calibrated, 95 %',
  ];
  const rows = results.map((r) => {
    const m = r.systems.model!;
    const mark = r.binary ? ' b' : '';
    const target = r.binary ? `${r.targetMet ? 'yes' : 'NO'} (≥ ${TARGET_BINARY_ACCURACY})` : `${r.targetMet ? 'yes' : 'NO'} (≥ +${TARGET_MARGIN})`;
    return [
      r.corpus,
      r.domain,
      String(r.texts),
      num(m[r.targetMetric]) + mark,
      ...peers.map((p) => num(r.systems[p.key]![r.targetMetric]) + mark),
      signed(r.margin),
      r.binary ? range(r.intervals.model) + mark : range(r.intervals.margin, signed),
      target,
      num(m.accuracy) + mark,
      num(m.macroF1) + mark,
      num(m.ece) + mark,
      range(r.intervals.ece) + mark,
      range(r.intervals.calibratedEce) + mark,
    ];
  });
  console.log(`\nsummary: ${modelName} vs word lists, ${split} splits`);
  console.log(table(headers, rows, ['l', 'l', 'r', 'r', ...peers.map(() => 'r' as const), 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r']));
  for (const r of results.filter((x) => x.binary)) {
    console.log(
      `b ${r.corpus}: binary gold, figures are on negative-vs-positive answers (binary accuracy; the model by its negative vs ` +
        `positive scores, a word list's neutral counts as wrong); target: model binary accuracy ≥ ${TARGET_BINARY_ACCURACY}. ` +
        `With its own answers the model said neutral on ${pct(r.modelLabels!.neutralRate)} of them.`,
    );
  }
  console.log(
    `target figure: the margin (three-class) or the model's binary accuracy (b); intervals: 95 %, paired bootstrap of ` +
      `each ${split} split's texts (${BOOTSTRAP_RESAMPLES} resamples), the spread another sample of the same size could give; ` +
      `ECE's leans high (a resample's ECE is biased upward, most on small splits). ECE if calibrated: what a perfectly ` +
      `calibrated model with the same confidences would measure on that many texts (answers drawn right with probability ` +
      `equal to their confidence): sampling alone gives an ECE that large.`,
  );
  printComparison(results, modelName);
  const three = results.filter((r) => !r.binary);
  console.log(`three-class corpora meeting the margin target: ${three.filter((r) => r.targetMet).length} of ${three.length}`);
  const meanOf = (figure: (r: CorpusResult) => number) => three.reduce((a, r) => a + figure(r), 0) / three.length;
  const otherMean = three[0]?.comparison ? `; ${three[0].comparison.version}: ${meanOf((r) => r.comparison!.figure).toFixed(4)}` : '';
  const selection = split === 'calibration' ? " (train:model's selection figure)" : '';
  console.log(`mean macro-recall over the three-class corpora${selection}: ${meanOf((r) => r.systems.model!.macroRecall).toFixed(4)}${otherMean}`);
  const texts = results.reduce((a, r) => a + r.texts, 0);
  const seconds = results.reduce((a, r) => a + r.modelSeconds, 0);
  console.log(`model speed: ${(texts / seconds).toFixed(0)} texts/s in-process (${texts} texts in ${seconds.toFixed(1)} s)`);
}

function printComparison(results: CorpusResult[], modelName: string): void {
  const other = results[0]?.comparison?.version;
  if (other === undefined) return;
  console.log(`\n${modelName} − ${other}, the same texts (macro-recall; b: binary accuracy); interval: 95 %, paired bootstrap`);
  console.log(
    table(
      ['corpus', 'model', 'other', 'difference', '95 % interval', 'model ECE', 'other ECE'],
      results.map((r) => {
        const c = r.comparison!;
        const mark = r.binary ? ' b' : '';
        return [r.corpus, num(r.systems.model![r.targetMetric]) + mark, num(c.figure) + mark, signed(c.difference), range(c.interval, signed), num(r.systems.model!.ece), num(c.ece)];
      }),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Everyday sentences

interface Answer {
  label: SentimentLabel;
  confidence?: number;
}

interface EverydayResult {
  model: string;
  baseline?: string;
  rows: { text: string; expected: SentimentLabel; answers: Record<string, Answer> }[];
  right: Record<string, number>;
}

async function everyday(classifier: Classifier, baselineDir: string | undefined, peers: Peer[]): Promise<EverydayResult> {
  const texts = EVERYDAY_SENTENCES.map((s) => s.text);
  const columns: { key: string; header: string; answers: Answer[] }[] = [];
  const fromModel = (ps: Classification[]) => ps.map((p) => ({ label: p.label, confidence: p.confidence }));
  columns.push({ key: 'model', header: `model ${classifier.info.name}`, answers: fromModel(await classifier.predict(texts)) });
  let baselineVersion: string | undefined;
  if (baselineDir !== undefined) {
    const baseline = await loadClassifier({ modelDir: baselineDir });
    try {
      baselineVersion = baseline.info.version;
      columns.push({ key: 'baseline', header: `baseline ${baseline.info.name}`, answers: fromModel(await baseline.predict(texts)) });
    } finally {
      await baseline.close();
    }
  }
  for (const peer of peers) columns.push({ key: peer.key, header: peer.scorer.name, answers: texts.map((t) => ({ label: peer.scorer.classify(t) })) });

  const right = Object.fromEntries(columns.map((c) => [c.key, c.answers.filter((a, i) => a.label === EVERYDAY_SENTENCES[i]!.expected).length]));
  const mark = (a: Answer, expected: SentimentLabel) => `${a.label}${a.confidence === undefined ? '' : ` ${a.confidence.toFixed(2)}`} ${a.label === expected ? '✓' : '✗'}`;
  console.log(
    `\neveryday sentences (${EVERYDAY_SENTENCES.length}; binary models at neutral threshold ${DEFAULT_NEUTRAL_THRESHOLD}; ` +
      'answer, confidence, ✓ = as expected)\n',
  );
  console.log(
    table(
      ['text', 'expected', ...columns.map((c) => c.header)],
      [
        ...EVERYDAY_SENTENCES.map((s, i) => [s.text, s.expected, ...columns.map((c) => mark(c.answers[i]!, s.expected))]),
        ['**right**', '', ...columns.map((c) => `**${right[c.key]} / ${EVERYDAY_SENTENCES.length}**`)],
      ],
    ),
  );
  return {
    model: classifier.info.version,
    ...(baselineVersion && { baseline: baselineVersion }),
    rows: EVERYDAY_SENTENCES.map((s, i) => ({ ...s, answers: Object.fromEntries(columns.map((c) => [c.key, c.answers[i]!])) })),
    right,
  };
}

// ---------------------------------------------------------------------------------------------------------

async function main(options: Options): Promise<void> {
  const peers: Peer[] = wordListScorers().map((scorer) => ({ key: scorer.name.toLowerCase(), scorer }));
  // Default neutral threshold: what the apps answer with. Three-class models ignore it and answer argmax.
  const classifier = await loadClassifier({ modelDir: options.modelDir });
  const other = options.compare !== undefined ? await loadClassifier({ modelDir: options.compare }) : undefined;
  try {
    const { info } = classifier;
    console.log(`model   ${info.version}  (${options.modelDir}); labels ${info.labels.join(', ')}`);
    console.log(`peers   ${peers.map((p) => p.scorer.description).join('; ')}`);
    if (other) console.log(`compare ${other.info.version}  (${options.compare})`);

    const results: CorpusResult[] = [];
    if (options.data !== undefined) {
      const rows = await readLabelledTsv(options.data);
      const result = await evaluate(rows, { corpus: path.join(path.basename(path.dirname(options.data)), path.basename(options.data)), domain: '-', source: options.data }, classifier, peers, other);
      results.push(result);
      printDetailed(result, info.name, peers);
    }
    if (options.all) {
      console.log(`data    ${options.split} splits of ${CORPORA.length} corpora in ${options.dataDir}\n`);
      for (const spec of CORPORA as readonly CorpusSpec[]) {
        const rows = (await loadCorpus(options.dataDir, spec.name))[options.split];
        // SST-2 has no calibration split (its dev split is the official one, and binary rows calibrate nothing).
        if (rows.length === 0) continue;
        const r = await evaluate(rows, { corpus: spec.name, domain: spec.domain, source: path.join(options.dataDir, spec.name) }, classifier, peers, other);
        results.push(r);
        const names = systemNames('model', peers);
        const figures = Object.keys(names).map((k) => `${names[k]} ${num(r.systems[k]![r.targetMetric])}`).join(', ');
        console.log(`${spec.name}: ${r.texts} texts, ${r.binary ? 'binary accuracy' : 'macro-recall'} ${figures}; margin ${signed(r.margin)}`);
      }
      printSummary(results, info.name, peers, options.split);
    }
    const everydayResult = options.everyday ? await everyday(classifier, options.baseline, peers) : undefined;

    if (options.json !== undefined) {
      const report = {
        generatedAt: new Date().toISOString(),
        model: { name: info.name, version: info.version, dir: options.modelDir, labels: info.labels, neutralThreshold: info.labels.includes('neutral') ? null : DEFAULT_NEUTRAL_THRESHOLD },
        peers: peers.map((p) => ({ key: p.key, name: p.scorer.name, description: p.scorer.description })),
        targets: { margin: TARGET_MARGIN, binaryAccuracy: TARGET_BINARY_ACCURACY },
        classes: CLASSES,
        ...(options.all && { split: options.split }),
        corpora: results,
        ...(everydayResult && { everyday: everydayResult }),
      };
      await mkdir(path.dirname(options.json), { recursive: true });
      // NaN (e.g. the accuracy of an empty calibration bin) becomes null.
      await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`\nwrote ${options.json}`);
    }
  } finally {
    await Promise.all([classifier.close(), other?.close()]);
  }
}

let options: Options;
try {
  options = parseCli(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`eval-model: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
await main(options);
