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
import { CLASSES } from '../src/eval/metrics.js';
import { DEFAULT_NEUTRAL_THRESHOLD, defaultModelDir, loadClassifier, type Classification, type Classifier, type SentimentLabel } from '../src/index.js';
import { CORPORA, loadCorpus, readLabelledTsv, type CorpusSpec } from '../src/training/corpora.js';
import { evaluate, SPLITS, TARGET_BINARY_ACCURACY, TARGET_MARGIN, type CorpusResult, type Peer, type Split } from './lib/eval-corpus.js';
import { num, printDetailed, printSummary, signed, systemNames, table } from './lib/eval-report.js';
import { wordListScorers } from './lib/word-lists.js';

/** Script paths are relative to the repo root, whatever the cwd npm gives the script. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const defaultDataDir = path.resolve(repoRoot, '..', 'shared', 'data');

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
