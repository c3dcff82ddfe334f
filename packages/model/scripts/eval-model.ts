// Accuracy of a model on labelled SST-2-format data, plus its answers on everyday sentences.
// Usage: npm run eval:model -- --data ../shared/data/sst2/dev.tsv [--model DIR]   (paths relative to the repo root)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_NEUTRAL_THRESHOLD, defaultModelDir, loadClassifier, type Prediction } from '../src/index.js';
// Same reading as training: header check, trailing-space trim, PTB detokenization ("does n't" → "doesn't").
import { readSst2 } from '../src/training/sst2-tsv.js';

/** Script paths are relative to the repo root, whatever the cwd npm gives the script. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Everyday texts unlike SST-2's movie reviews; `expected` is what a reader would say. */
const SAMPLE_SENTENCES: { text: string; expected: 'negative' | 'neutral' | 'positive' }[] = [
  { text: 'The delivery was late and the box was damaged.', expected: 'negative' },
  { text: 'Thanks, the support team solved my problem in minutes!', expected: 'positive' },
  { text: 'Great value for the price, I would buy it again.', expected: 'positive' },
  { text: 'The app keeps crashing every time I open it.', expected: 'negative' },
  { text: 'My order number is 48213.', expected: 'neutral' },
  { text: 'Absolutely love these headphones, the sound is amazing.', expected: 'positive' },
  { text: 'I waited an hour on hold and nobody answered.', expected: 'negative' },
  { text: 'The package arrived on Tuesday.', expected: 'neutral' },
  { text: 'Not bad at all, better than I expected.', expected: 'positive' },
  { text: 'It is not good, I want a refund.', expected: 'negative' },
  { text: 'Can you tell me when the store opens?', expected: 'neutral' },
  { text: 'Oh great, another update that breaks everything.', expected: 'negative' },
];

const { values } = parseArgs({ options: { data: { type: 'string' }, model: { type: 'string' } } });
if (!values.data) throw new Error('usage: eval-model --data <tsv> [--model <dir>]');
const dataFile = path.resolve(repoRoot, values.data);
const modelDir = values.model ? path.resolve(repoRoot, values.model) : defaultModelDir;

const rows = await readSst2(dataFile);
const classifier = await loadClassifier({ modelDir, neutralThreshold: 0 });
const started = process.hrtime.bigint();
const raw = await classifier.predict(rows.map((r) => r.text));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

const gold = rows.map((r) => (r.label === 1 ? 'positive' : 'negative'));
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Confusion counts with abstentions (`neutral`) kept apart. */
function confusion(predicted: Prediction['label'][]) {
  const m = { tp: 0, fn: 0, fp: 0, tn: 0, neutralPos: 0, neutralNeg: 0 };
  predicted.forEach((p, i) => {
    const positive = gold[i] === 'positive';
    if (p === 'neutral') positive ? m.neutralPos++ : m.neutralNeg++;
    else if (positive) p === 'positive' ? m.tp++ : m.fn++;
    else p === 'negative' ? m.tn++ : m.fp++;
  });
  const f1 = (tp: number, fp: number, fn: number) => (2 * tp) / (2 * tp + fp + fn || 1);
  const macroF1 = (f1(m.tp, m.fp, m.fn) + f1(m.tn, m.fn, m.fp)) / 2;
  return { ...m, accuracy: (m.tp + m.tn) / predicted.length, macroF1 };
}

const noThreshold = confusion(raw.map((p) => p.label));
const atDefault = confusion(raw.map((p) => (p.confidence < DEFAULT_NEUTRAL_THRESHOLD ? 'neutral' : p.label)));
const answered = rows.length - atDefault.neutralPos - atDefault.neutralNeg;

console.log(`model   ${classifier.info.version}  (${modelDir})`);
console.log(`data    ${dataFile}: ${rows.length} texts, ${(rows.length / seconds).toFixed(0)} texts/s in-process\n`);
console.log(`threshold off:  accuracy ${pct(noThreshold.accuracy)}  macro-F1 ${noThreshold.macroF1.toFixed(4)}`);
console.log(
  `threshold ${DEFAULT_NEUTRAL_THRESHOLD}:  ${atDefault.neutralPos + atDefault.neutralNeg} neutral abstentions ` +
    `(${pct(1 - answered / rows.length)}); accuracy on all ${pct(atDefault.accuracy)}, ` +
    `on answered ${pct((atDefault.tp + atDefault.tn) / (answered || 1))}, macro-F1 on answered ${atDefault.macroF1.toFixed(4)}\n`,
);
console.log(`confusion at threshold ${DEFAULT_NEUTRAL_THRESHOLD} (rows: gold, columns: predicted)`);
console.table({
  'gold negative': { negative: atDefault.tn, positive: atDefault.fp, neutral: atDefault.neutralNeg },
  'gold positive': { negative: atDefault.fn, positive: atDefault.tp, neutral: atDefault.neutralPos },
});

// How confident is the model? Guides the choice of DEFAULT_NEUTRAL_THRESHOLD.
const bands = [0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0001];
console.log('top-class probability bands (count, accuracy within the band)');
console.table(
  bands.slice(0, -1).map((low, b) => {
    const inBand = raw.map((p, i) => ({ p, i })).filter(({ p }) => p.confidence >= low && p.confidence < bands[b + 1]!);
    const right = inBand.filter(({ p, i }) => p.label === gold[i]).length;
    return { band: `${low.toFixed(2)}–${Math.min(1, bands[b + 1]!).toFixed(2)}`, texts: inBand.length, accuracy: inBand.length ? pct(right / inBand.length) : '-' };
  }),
);

const everyday = await loadClassifier({ modelDir });
const answers = await everyday.predict(SAMPLE_SENTENCES.map((s) => s.text));
console.log(`everyday sentences (default threshold ${DEFAULT_NEUTRAL_THRESHOLD}); SST-2 is movie reviews, so expect misses`);
console.table(
  SAMPLE_SENTENCES.map((s, i) => ({
    text: s.text,
    expected: s.expected,
    model: answers[i]!.label,
    confidence: answers[i]!.confidence.toFixed(3),
    ok: answers[i]!.label === s.expected ? 'yes' : 'NO',
  })),
);
await Promise.all([classifier.close(), everyday.close()]);
