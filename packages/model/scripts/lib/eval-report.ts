// The eval script's printed report: markdown tables of one corpus in detail, the summary over corpora, and a
// second model side by side (npm run eval:model).
import { DEFAULT_RESAMPLES as BOOTSTRAP_RESAMPLES, type Interval } from '../../src/eval/bootstrap.js';
import { CLASSES } from '../../src/eval/metrics.js';
import { DEFAULT_NEUTRAL_THRESHOLD } from '../../src/index.js';
import { TARGET_BINARY_ACCURACY, TARGET_MARGIN, type CorpusResult, type Peer, type Split } from './eval-corpus.js';

export const num = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(3));
export const signed = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const range = ({ low, high }: Interval, format: (x: number) => string = num) => `[${format(low)}, ${format(high)}]`;

/** A markdown table with padded columns; `align` 'r' right-aligns a column. */
export function table(headers: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length), 3));
  const cell = (s: string, c: number) => (align[c] === 'r' ? s.padStart(widths[c]!) : s.padEnd(widths[c]!));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (align[c] === 'r' ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function systemNames(modelName: string, peers: Peer[]): Record<string, string> {
  return { model: modelName, ...Object.fromEntries(peers.map((p) => [p.key, p.scorer.name])) };
}

export function printDetailed(r: CorpusResult, modelName: string, peers: Peer[]): void {
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

export function printSummary(results: CorpusResult[], modelName: string, peers: Peer[], split: Split): void {
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
