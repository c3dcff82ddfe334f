// The labelled corpora the v2 model learns from (../shared/data), and their fixed train / calibration / dev
// splits. Training and evaluation both take their splits from here, so dev rows never reach training.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SENTIMENT_LABELS } from '../classifier.js';
import { deriveSeed, mulberry32, shuffle } from './prng.js';
import { detokenizePtb } from './ptb-detokenize.js';

export interface Example {
  text: string;
  /** Index into SENTIMENT_LABELS (classifier.ts): the class indices of the three-class models, the order of `id2label`. */
  label: 0 | 1 | 2;
  /** From a binary corpus (SST-2): neutral was never an option, so training compares negative vs positive only. */
  binary: boolean;
}

export interface CorpusSpec {
  name: string;
  /** What kind of text, for tables. */
  domain: string;
  licence: string;
  /** false: the licence forbids commercial use (CC BY-NC-SA). */
  commercial: boolean;
  /** `official`: the corpus' own dev.tsv; `carved`: a seeded, stratified share of train.tsv. */
  dev: 'official' | 'carved';
  binary: boolean;
}

export const CORPORA: readonly CorpusSpec[] = [
  { name: 'semeval-tweets', domain: 'tweets', licence: 'CC BY 3.0 (labels); Twitter content', commercial: true, dev: 'official', binary: false },
  { name: 'semeval-sms-livejournal', domain: 'SMS and blog sentences', licence: 'CC BY 3.0; NUS SMS Corpus (research)', commercial: true, dev: 'carved', binary: false },
  { name: 'airline-tweets', domain: 'customer-service tweets', licence: 'CC BY-NC-SA 4.0', commercial: false, dev: 'carved', binary: false },
  { name: 'gop-debate-tweets', domain: 'political tweets', licence: 'CC BY-NC-SA 4.0', commercial: false, dev: 'carved', binary: false },
  { name: 'goemotions-sentiment', domain: 'Reddit comments', licence: 'Apache-2.0', commercial: true, dev: 'official', binary: false },
  { name: 'clothing-reviews', domain: 'product reviews', licence: 'CC0 1.0', commercial: true, dev: 'carved', binary: false },
  { name: 'sst2', domain: 'movie-review phrases (binary)', licence: 'SST research use', commercial: true, dev: 'official', binary: true },
];

export function corpusSpec(name: string): CorpusSpec {
  const spec = CORPORA.find((c) => c.name === name);
  if (!spec) throw new Error(`unknown corpus ${name} (known: ${CORPORA.map((c) => c.name).join(', ')})`);
  return spec;
}

/** Share of a carved corpus that becomes its dev split, and of every train split kept for calibration. */
export const DEV_SHARE = 0.1;
export const CALIBRATION_SHARE = 0.05;
/** Fixed: the splits must not move when the training seed does. */
const SPLIT_SEED = 20261205;

/** Class index of each label name of the three-class format. */
const LABEL_INDEX: Record<string, Example['label']> = Object.fromEntries(SENTIMENT_LABELS.map((l, i) => [l, i as Example['label']]));

/**
 * Reads either format: SST-2 (`sentence<TAB>label`, 0/1, PTB-tokenized) or the shared three-class format
 * (`text<TAB>label`, negative/neutral/positive). Splits on the tab only: texts hold quotes.
 */
export function parseLabelledTsv(content: string, source = 'tsv'): Example[] {
  const lines = content.split('\n');
  const header = lines[0]?.trim();
  const sst2 = header === 'sentence\tlabel';
  if (!sst2 && header !== 'text\tlabel') throw new Error(`${source}: expected a header "text<TAB>label" or "sentence<TAB>label", got ${JSON.stringify(lines[0])}`);
  const rows: Example[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.lastIndexOf('\t');
    const text = line.slice(0, tab).trim();
    const raw = line.slice(tab + 1).trim();
    if (tab < 0 || text === '') throw new Error(`${source}:${i + 2}: expected text<TAB>label`);
    if (sst2) {
      if (raw !== '0' && raw !== '1') throw new Error(`${source}:${i + 2}: SST-2 label must be 0 or 1, got ${JSON.stringify(raw)}`);
      rows.push({ text: detokenizePtb(text), label: raw === '1' ? 2 : 0, binary: true });
    } else {
      const label = LABEL_INDEX[raw];
      if (label === undefined) throw new Error(`${source}:${i + 2}: label must be negative, neutral or positive, got ${JSON.stringify(raw)}`);
      rows.push({ text, label, binary: false });
    }
  });
  return rows;
}

export async function readLabelledTsv(file: string): Promise<Example[]> {
  return parseLabelledTsv(await readFile(file, 'utf8'), file);
}

/** Seeded, stratified split: about `share` of each label goes to `taken`. */
export function stratifiedSplit(rows: Example[], share: number, seed: number): { kept: Example[]; taken: Example[] } {
  const random = mulberry32(seed);
  const kept: Example[] = [];
  const taken: Example[] = [];
  for (const label of [0, 1, 2] as const) {
    const indices = rows.flatMap((r, i) => (r.label === label ? [i] : []));
    const order = shuffle(Int32Array.from(indices), random);
    const n = Math.round(order.length * share);
    order.forEach((index, k) => (k < n ? taken : kept).push(rows[index]!));
  }
  return { kept, taken };
}

export interface CorpusSplits {
  spec: CorpusSpec;
  train: Example[];
  /** Held out of training for fitting the temperature (empty for binary corpora). */
  calibration: Example[];
  dev: Example[];
}

/** LiveJournal sentences (the last rows of semeval-sms-livejournal) are PTB-tokenized like SST-2. */
const SMS_ROWS = 2080;

export async function loadCorpus(dataDir: string, name: string): Promise<CorpusSplits> {
  const spec = corpusSpec(name);
  const dir = path.join(dataDir, name);
  let all = await readLabelledTsv(path.join(dir, 'train.tsv'));
  if (name === 'semeval-sms-livejournal') all = all.map((r, i) => (i >= SMS_ROWS ? { ...r, text: detokenizePtb(r.text) } : r));
  const index = CORPORA.indexOf(spec);
  let train = all;
  let dev: Example[];
  if (spec.dev === 'official') dev = await readLabelledTsv(path.join(dir, 'dev.tsv'));
  else ({ kept: train, taken: dev } = stratifiedSplit(all, DEV_SHARE, deriveSeed(SPLIT_SEED, index)));
  let calibration: Example[] = [];
  if (!spec.binary) ({ kept: train, taken: calibration } = stratifiedSplit(train, CALIBRATION_SHARE, deriveSeed(SPLIT_SEED, 100 + index)));
  return { spec, train, calibration, dev };
}
