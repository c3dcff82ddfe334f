// Trains sentiment-multi-v2, the three-class multi-domain model, and writes it in HF / Transformers.js layout:
//   npm run train:model [-- --data-dir ../shared/data] [--out DIR] [--seed N] [--epochs N] [--learning-rate LR] [--dropout P] [--models N]
//     [--threads N] [--hidden N] [--pooling max|max+mean] [--embed N] [--vocab-size N] [--train-length N] [--corpora a,b,...] [--arch gru|bag] [--lexicon [--wordnet]]
//     [--class-bias on|off] [--class-bias-tolerance X] [--binary-loss polar|masked] [--class-weights balanced|none] [--reuse-weights DIR]
//     [--pretrain none|skipgram] [--pretrain-epochs N] [--lm-epochs N] [--word-dropout P] [--embeddings int8|float32] [--sst2-length-weight] [--corpus-weights name=w,…]
//     [--distill-from DIR[=w],…] [--weak-labels afinn,vader [--weak-label-corpora a,b,...]] [--distill-weight W] [--self-distill A] [--average-from F] [--pretrain-sst2 phrases|outermost] [--prepare-only]
// --pretrain skipgram (default): embeddings start from skip-gram vectors learned on the training texts (labels
// unused); --pretrain none starts them at random (the bag column of the model card was trained so).
// --embeddings int8 (the GRU's default): the file stores embedding tables as int8 with a scale per row, and
// the temperature and offsets are fitted on that file's answers; the bag stores float32.
// --lexicon: embedding rows of AFINN/VADER words start from their valence; --wordnet carries the valences to
// WordNet synonyms, similar adjectives and (negated) antonyms first (scripts/lib/wordnet-valences.ts).
// --pooling max+mean: each GRU member pools the mean over time beside the max (the dense layer reads both).
// --train-length N: training texts are cut at N tokens (default 64; run time cuts at 128).
// --sst2-length-weight: SST-2 phrases weigh by their length (multi-corpus.ts phraseLengthWeight).
// --corpus-weights sst2=1.5,…: a corpus' rows weigh that factor more in the loss (after the class balancing).
// --distill-from DIR[=w],…: learn (1 − W) × the gold label + W × the teachers' (w-weighted) mean uncalibrated
// probabilities on each training text; teachers are model folders with this run's tokenizer (e.g. the shipped
// model, a bag trained by this script); W: --distill-weight, 0.5 (training/distillation.ts).
// --weak-labels afinn,vader: the word lists' votes on each training text join the teachers as weak labels (a list
// that finds no scored word abstains and gives the gold label; scripts/lib/word-lists.ts), same W;
// --weak-label-corpora limits them to those corpora's texts (default: every corpus trained on).
// --self-distill A: from the second epoch on, each text's target mixes in the network's own answer to it in the
// previous epoch, weight growing to A in the last (progressive self-distillation; training/minibatch-loop.ts).
// --average-from F: training ends on the mean of weight snapshots taken from fraction F of the steps on (tail
// averaging; training/tail-average.ts); 0: off, the last step's weights.
// --pretrain-sst2 outermost: skip-gram reads only SST-2 rows that are not inside another (its sentences, once
// each; training/outermost-rows.ts); phrases (default): every SST-2 row, as the classifier does.
// --reuse-weights: take a GRU ensemble's weights from DIR/onnx/model.onnx instead of training (recalibrates it).
// (v1 has its own recipe: npm run train:model:v1.)
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { onnxLogits } from '../src/export/onnx-eval.js';
import { createOnnxModel } from '../src/onnx-session.js';
import { PLACEHOLDERS } from '../src/runtime/normalize-text.js';
import { NORMALIZER_FILE, loadNormalizer } from '../src/runtime/model-tokenizer.js';
import { ModelFiles } from '../src/runtime/model-files.js';
import { bertWords } from '../src/training/bert-pretokenize.js';
import { SENTIMENT_LABELS } from '../src/classifier.js';
import { CORPORA, loadCorpus, type CorpusSplits, type Example } from '../src/training/corpora.js';
import { countToken, encodeTexts, type EncodedSet } from '../src/training/encoded-set.js';
import { predictedClass } from '../src/training/class-loss.js';
import { classBalancedWeights, frequentWords, parseCorpusWeights, phraseLengthWeight, trainingText } from '../src/training/multi-corpus.js';
import { ARCHITECTURES, gruModel, trainArchitecture, type Architecture, type TrainedModel } from '../src/training/architectures.js';
import { EMBEDDING_TYPES, gruEnsembleFromOnnx, type EmbeddingType } from '../src/export/gru-ensemble-onnx.js';
import { fitClassBias, groupMacroRecall } from '../src/training/class-bias.js';
import { readFile } from 'node:fs/promises';
import { lexiconPrior } from '../src/training/lexicon-prior.js';
import { trainSkipGram, type PretrainedEmbeddings } from '../src/training/skipgram.js';
import { outermostRows, subsetRows } from '../src/training/outermost-rows.js';
import { fitTemperature } from '../src/training/temperature.js';
import { GRU_POOLINGS, type GruPooling } from '../src/training/gru-params.js';
import { distillationTargets, parseTeachers, teacherProbabilities } from '../src/training/distillation.js';
import { tokenizerConfigJson, tokenizerJson } from '../src/training/tokenizer-files.js';
import { trainWordPiece } from '../src/training/wordpiece-trainer.js';
import { multiConfigJson } from '../src/export/multi-config.js';
import { lexiconValences } from './lib/lexicons.js';
import { scorersByName, weakLabelProbabilities } from './lib/word-lists.js';
import { expandValences, readSynsets, wordnetDictDir } from './lib/wordnet-valences.js';

const NAME = 'sentiment-multi-v2';
const MAX_LENGTH = 128;
const repoRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: path.resolve(repoRoot, '../shared/data') },
    out: { type: 'string', default: path.join(repoRoot, 'packages/model/models', NAME) },
    seed: { type: 'string', default: '1' },
    epochs: { type: 'string' },
    'learning-rate': { type: 'string' },
    dropout: { type: 'string' },
    arch: { type: 'string', default: 'gru' },
    lexicon: { type: 'boolean', default: false },
    wordnet: { type: 'boolean', default: false },
    'class-bias': { type: 'string', default: 'on' },
    'class-bias-tolerance': { type: 'string', default: '0' },
    'binary-loss': { type: 'string', default: 'polar' },
    'class-weights': { type: 'string', default: 'balanced' },
    'reuse-weights': { type: 'string' },
    models: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    hidden: { type: 'string', default: '64' },
    pooling: { type: 'string', default: 'max' },
    embed: { type: 'string', default: '96' },
    'vocab-size': { type: 'string', default: '20000' },
    'train-length': { type: 'string', default: '64' },
    corpora: { type: 'string', default: CORPORA.map((c) => c.name).join(',') },
    pretrain: { type: 'string', default: 'skipgram' },
    'pretrain-epochs': { type: 'string', default: '3' },
    'lm-epochs': { type: 'string', default: '0' },
    'word-dropout': { type: 'string', default: '0' },
    embeddings: { type: 'string' },
    'sst2-length-weight': { type: 'boolean', default: false },
    'corpus-weights': { type: 'string' },
    'distill-from': { type: 'string' },
    'weak-labels': { type: 'string' },
    'weak-label-corpora': { type: 'string' },
    'distill-weight': { type: 'string', default: '0.5' },
    'self-distill': { type: 'string', default: '0' },
    'average-from': { type: 'string', default: '0' },
    'pretrain-sst2': { type: 'string', default: 'phrases' },
    'prepare-only': { type: 'boolean', default: false },
  },
});

const started = performance.now();
const seconds = (from: number) => (performance.now() - from) / 1000;
const log = (message: string) => console.log(`[${seconds(started).toFixed(0).padStart(4)} s] ${message}`);
const int = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
};
/** `a, b,,c` → ['a', 'b', 'c']. */
const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
const seed = int('seed', args.seed);
const epochs = args.epochs === undefined ? undefined : int('epochs', args.epochs);
if (!(ARCHITECTURES as readonly string[]).includes(args.arch)) throw new Error(`--arch must be one of ${ARCHITECTURES.join(', ')}`);
const arch = args.arch as Architecture;
const members = int('models', args.models);
if (!(GRU_POOLINGS as readonly string[]).includes(args.pooling)) throw new Error(`--pooling must be one of ${GRU_POOLINGS.join(', ')}`);
const pooling = args.pooling as GruPooling;
if (arch !== 'gru' && pooling !== 'max') throw new Error('--pooling is for --arch gru (the bag pools mean and max)');
const threads = int('threads', args.threads);
const trainLength = int('train-length', args['train-length']);
const selfDistill = Number(args['self-distill']);
if (!(selfDistill >= 0 && selfDistill < 1)) throw new Error(`--self-distill must be in [0, 1), got ${args['self-distill']}`);
const averageFrom = Number(args['average-from']);
if (!(averageFrom >= 0 && averageFrom < 1)) throw new Error(`--average-from must be in [0, 1), got ${args['average-from']}`);
if (selfDistill > 0 && args['binary-loss'] !== 'polar') throw new Error('--self-distill needs --binary-loss polar (every training row three-class)');
const learningRate = args['learning-rate'] === undefined ? undefined : Number(args['learning-rate']);
if (learningRate !== undefined && !(learningRate > 0 && learningRate < 0.1)) throw new Error(`--learning-rate must be in (0, 0.1), got ${args['learning-rate']}`);
const lmEpochs = Number(args['lm-epochs']);
if (!(Number.isInteger(lmEpochs) && lmEpochs >= 0)) throw new Error(`--lm-epochs must be a whole number, got ${args['lm-epochs']}`);
if (lmEpochs > 0 && arch !== 'gru') throw new Error('--lm-epochs is for --arch gru');
const dropout = args.dropout === undefined ? undefined : Number(args.dropout);
if (dropout !== undefined && !(dropout >= 0 && dropout < 1)) throw new Error(`--dropout must be in [0, 1), got ${args.dropout}`);
const wordDropout = Number(args['word-dropout']);
if (!(wordDropout >= 0 && wordDropout < 0.5)) throw new Error(`--word-dropout must be in [0, 0.5), got ${args['word-dropout']}`);
const embeddings = (args.embeddings ?? (arch === 'gru' ? 'int8' : 'float32')) as EmbeddingType;
if (!EMBEDDING_TYPES.includes(embeddings)) throw new Error(`--embeddings must be one of ${EMBEDDING_TYPES.join(', ')}`);
if (arch === 'bag' && embeddings === 'int8') throw new Error('--embeddings int8 is for --arch gru (the bag stores float32)');
const out = path.resolve(args.out);
const dataDir = path.resolve(args['data-dir']);

const corpora: CorpusSplits[] = [];
for (const name of list(args.corpora)) corpora.push(await loadCorpus(dataDir, name));
// Binary rows (SST-2): `masked` compares negative vs positive only; `polar` also counts a neutral answer as
// wrong (SST-2 left its neutral phrases out, so every phrase in it is polar).
if (!['masked', 'polar'].includes(args['binary-loss'])) throw new Error('--binary-loss must be masked or polar');
const polar = args['binary-loss'] === 'polar';
const train: Example[] = corpora.flatMap((c) => c.train.map((r) => ({ ...r, text: trainingText(c.spec.name, r.text), binary: r.binary && !polar })));
const trainGroups = Int32Array.from(corpora.flatMap((c, k) => c.train.map(() => k)));
const calibration = corpora.flatMap((c) => c.calibration);
const calibrationGroups = Int32Array.from(corpora.flatMap((c, k) => c.calibration.map(() => k)));
log(`read ${train.length} training, ${calibration.length} calibration and ${corpora.reduce((a, c) => a + c.dev.length, 0)} dev texts from ${dataDir}`);
for (const c of corpora) log(`  ${c.spec.name.padEnd(24)} train ${String(c.train.length).padStart(6)}  calibration ${String(c.calibration.length).padStart(5)}  dev ${String(c.dev.length).padStart(5)} (${c.spec.dev})`);

// 1. Text normalisation: its only resource is the hashtag word list, taken from the training texts.
await mkdir(path.join(out, 'onnx'), { recursive: true });
const normalizerSpec = { type: 'social-v1', hashtag_words: frequentWords(train.map((r) => r.text), 30_000) };
await writeFile(path.join(out, NORMALIZER_FILE), JSON.stringify(normalizerSpec));
const normalize = (await loadNormalizer(new ModelFiles({ modelDir: out })))!;

// 2. WordPiece vocabulary learned on the normalised training texts.
const wordCounts = new Map<string, number>();
for (const r of train) for (const w of bertWords(normalize(r.text))) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
const vocab = trainWordPiece(wordCounts, { vocabSize: int('vocab-size', args['vocab-size']), keepWhole: Object.values(PLACEHOLDERS) });
await writeFile(path.join(out, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
await writeFile(path.join(out, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfigJson(MAX_LENGTH), null, 2)}\n`);
log(`normaliser (${normalizerSpec.hashtag_words.length} hashtag words) and WordPiece vocabulary (${vocab.size} tokens, ${wordCounts.size} distinct training words) written to ${out}`);

// 3. Encode through the runtime's normaliser + tokenizer: the ids inference will see.
const unk = vocab.get('[UNK]')!;
const trainSet = await encodeTexts({ modelDir: out }, train, trainLength);
// `balanced`: each corpus' classes weigh the same in the loss; `none`: every example weighs 1.
if (!['balanced', 'none'].includes(args['class-weights'])) throw new Error('--class-weights must be balanced or none');
if (args['class-weights'] === 'balanced') trainSet.weights = classBalancedWeights(trainGroups, trainSet.labels);
if (args['sst2-length-weight']) {
  const weights = trainSet.weights ?? new Float32Array(train.length).fill(1);
  train.forEach((r, i) => {
    if (corpora[trainGroups[i]!]!.spec.name === 'sst2') weights[i]! *= phraseLengthWeight(r.text);
  });
  trainSet.weights = weights;
}
if (args['corpus-weights']) {
  const factors = parseCorpusWeights(args['corpus-weights'], corpora.map((c) => c.spec.name));
  const weights = trainSet.weights ?? new Float32Array(train.length).fill(1);
  for (let i = 0; i < train.length; i++) weights[i]! *= factors.get(corpora[trainGroups[i]!]!.spec.name) ?? 1;
  trainSet.weights = weights;
  log(`corpus loss weights ×${[...factors].map(([n, f]) => `${f} ${n}`).join(', ×')}`);
}
if (args['weak-label-corpora'] && !args['weak-labels']) throw new Error('--weak-label-corpora limits --weak-labels: give --weak-labels too');
if (args['distill-from'] || args['weak-labels']) {
  if (trainSet.binary) throw new Error('--distill-from and --weak-labels need --binary-loss polar (every training row three-class)');
  const weight = Number(args['distill-weight']);
  if (!(weight > 0 && weight <= 1)) throw new Error(`--distill-weight must be in (0, 1], got ${args['distill-weight']}`);
  const C = SENTIMENT_LABELS.length;
  const probs: { probs: Float64Array; weight: number }[] = [];
  const addTeacher = (name: string, p: Float64Array, teacherWeight: number) => {
    let right = 0;
    for (let i = 0; i < trainSet.labels.length; i++) if (predictedClass(p.subarray(i * C, (i + 1) * C), C) === trainSet.labels[i]) right++;
    log(`teacher ${name} (weight ${teacherWeight}): right on ${((right / trainSet.labels.length) * 100).toFixed(1)} % of the training texts`);
    probs.push({ probs: p, weight: teacherWeight });
  };
  if (args['distill-from']) {
    const teachers = parseTeachers(args['distill-from']).map((t) => ({ ...t, dir: path.resolve(t.dir) }));
    const ownTokenizer = await readFile(path.join(out, 'tokenizer.json'), 'utf8');
    for (const t of teachers)
      if ((await readFile(path.join(t.dir, 'tokenizer.json'), 'utf8')) !== ownTokenizer)
        throw new Error(`--distill-from ${t.dir}: its tokenizer.json differs from this run's, so its ids would not mean the same pieces`);
    for (const t of teachers) addTeacher(t.dir, await teacherProbabilities(t.dir, trainSet), t.weight);
  }
  if (args['weak-labels']) {
    const scorers = scorersByName(args['weak-labels']);
    const names = corpora.map((c) => c.spec.name);
    const only = args['weak-label-corpora'] ? list(args['weak-label-corpora']) : names;
    for (const n of only) if (!names.includes(n)) throw new Error(`--weak-label-corpora: ${n} is not among the corpora trained on (${names.join(', ')})`);
    const skip = (i: number) => !only.includes(names[trainGroups[i]!]!);
    addTeacher(`word lists ${scorers.map((s) => s.name).join('+')} on ${only.join(', ')} (abstaining where they find no scored word)`, weakLabelProbabilities(scorers, train.map((r) => r.text), trainSet.labels, skip), 1);
  }
  trainSet.targets = distillationTargets(trainSet.labels, C, probs, weight);
  log(`distilling: targets ${1 - weight} × gold + ${weight} × the teachers' mean probabilities`);
}
log(`encoded ${trainSet.labels.length} training texts: ${trainSet.ids.length} tokens (cut at ${trainLength}), [UNK] ${((countToken(trainSet, unk) / trainSet.ids.length) * 100).toFixed(3)} %`);
const devSets = new Map<string, EncodedSet>();
for (const c of corpora) {
  const set = await encodeTexts({ modelDir: out }, c.dev, MAX_LENGTH);
  devSets.set(c.spec.name, set);
  log(`  dev ${c.spec.name.padEnd(24)} ${set.ids.length / set.labels.length < 10 ? ' ' : ''}${(set.ids.length / set.labels.length).toFixed(1)} tokens/text, [UNK] ${((countToken(set, unk) / set.ids.length) * 100).toFixed(3)} %`);
}
if (args['prepare-only']) process.exit(0);
const calibrationSet = await encodeTexts({ modelDir: out }, calibration, MAX_LENGTH);
// Progress logs only: a fixed sample of the pooled dev texts.
const devSample = await encodeTexts({ modelDir: out }, corpora.flatMap((c) => c.dev.filter((_, i) => i % 6 === 0)), MAX_LENGTH);

// 4. Train.
if (args.wordnet && !args.lexicon) throw new Error('--wordnet extends the word-list prior: give --lexicon too');
const valences = args.wordnet ? expandValences(lexiconValences(), readSynsets(wordnetDictDir())) : lexiconValences();
const lexicon = args.lexicon ? lexiconPrior(vocab, valences) : undefined;
if (lexicon) log(`word-list prior: ${lexicon.ids.length} vocabulary words start from their AFINN/VADER valence${args.wordnet ? ' (carried through WordNet)' : ''}`);
const trainStarted = performance.now();
let trained: TrainedModel;
if (args['reuse-weights']) {
  trained = gruModel(gruEnsembleFromOnnx(await readFile(path.join(path.resolve(args['reuse-weights']), 'onnx', 'model.onnx'))), embeddings);
  log(`weights read from ${args['reuse-weights']}: ${trained.summary}`);
} else {
  if (!['none', 'skipgram'].includes(args.pretrain)) throw new Error('--pretrain must be none or skipgram');
  if (!['phrases', 'outermost'].includes(args['pretrain-sst2'])) throw new Error('--pretrain-sst2 must be phrases or outermost');
  let pretrained: PretrainedEmbeddings | undefined;
  if (args.pretrain === 'skipgram') {
    const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => vocab.get(t)).filter((id): id is number => id !== undefined);
    const pretrainStarted = performance.now();
    let skipGramText: Pick<EncodedSet, 'ids' | 'offsets'> = trainSet;
    const sst2 = corpora.findIndex((c) => c.spec.name === 'sst2');
    if (args['pretrain-sst2'] === 'outermost' && sst2 >= 0) {
      const rows = train.map((_, i) => i);
      const sst2Rows = rows.filter((i) => trainGroups[i] === sst2);
      const kept = new Set(outermostRows(trainSet, sst2Rows));
      skipGramText = subsetRows(trainSet, rows.filter((i) => trainGroups[i] !== sst2 || kept.has(i)));
      log(`skip-gram reads ${kept.size} outermost of ${sst2Rows.length} SST-2 rows (${skipGramText.ids.length} of ${trainSet.ids.length} tokens)`);
    }
    pretrained = trainSkipGram(skipGramText, { vocab: vocab.size, embed: int('embed', args.embed), seed, epochs: int('pretrain-epochs', args['pretrain-epochs']), ignore: special, log });
    log(`skip-gram embeddings for ${pretrained.seen.reduce((a, b) => a + b, 0)} of ${vocab.size} pieces in ${seconds(pretrainStarted).toFixed(0)} s`);
  }
  log(`training ${arch}${epochs ? `, ${epochs} epoch(s)` : ''}${learningRate ? `, learning rate ${learningRate}` : ''}${dropout !== undefined ? `, dropout ${dropout}` : ''}${lmEpochs ? `, after ${lmEpochs} epoch(s) of language-model pre-training` : ''}${selfDistill > 0 ? `, self-distilling up to ${selfDistill} × its previous epoch's answers` : ''}${averageFrom > 0 ? `, weights averaged from ${Math.round(averageFrom * 100)} % of training on` : ''}`);
  trained = await trainArchitecture(arch, trainSet, devSample, {
    vocab: vocab.size,
    classes: SENTIMENT_LABELS.length,
    seed,
    epochs,
    learningRate,
    dropout,
    lmEpochs,
    members,
    threads,
    embed: int('embed', args.embed),
    hidden: int('hidden', args.hidden),
    pooling,
    lexicon,
    pretrained,
    wordDropout,
    selfDistill,
    averageFrom,
    unkId: unk,
    embeddings,
    log,
  });
}
const trainSeconds = seconds(trainStarted);
log(`trained in ${trainSeconds.toFixed(0)} s: ${trained.summary}`);

// 5. Calibrate on the calibration split (held out of training, never dev): class-prior offsets that
//    maximise macro-recall averaged over the corpora, then the temperature of the offset logits.
const docString = `${NAME}: ${trained.summary}, three classes, trained on ${corpora.map((c) => c.spec.name).join(', ')}`;
const uncalibrated = await createOnnxModel(trained.onnx({ temperature: 1 }, NAME, docString), { intraOpThreads: 2 });
const raw = (await onnxLogits(uncalibrated, calibrationSet)).logits;
await uncalibrated.release();
const classBiasTolerance = Number(args['class-bias-tolerance']);
if (!(classBiasTolerance >= 0 && classBiasTolerance < 0.1)) throw new Error('--class-bias-tolerance must be in [0, 0.1)');
const C = SENTIMENT_LABELS.length;
let classBias: Float32Array = new Float32Array(C);
let temperature = 1;
if (calibrationSet.labels.length === 0) {
  // SST-2 alone (`--corpora sst2`) has no calibration split: nothing to fit, so the file stays uncalibrated.
  log('no calibration texts (no corpus trained on has a calibration split): class offsets 0 and temperature 1, confidences uncalibrated');
} else {
  if (args['class-bias'] !== 'off') classBias = fitClassBias(raw, calibrationSet.labels, calibrationGroups, C, 2, 0.1, classBiasTolerance);
  log(
    `class offsets [${Array.from(classBias, (b) => b.toFixed(2)).join(', ')}]: calibration macro-recall (mean over corpora) ` +
      `${groupMacroRecall(raw, calibrationSet.labels, calibrationGroups, new Float32Array(C), C).toFixed(4)} → ` +
      `${groupMacroRecall(raw, calibrationSet.labels, calibrationGroups, classBias, C).toFixed(4)}`,
  );
  const adjusted = raw.map((v, i) => v + classBias[i % C]!);
  temperature = fitTemperature(adjusted, calibrationSet.labels, C);
  log(`temperature ${temperature.toFixed(4)} (fitted on ${calibrationSet.labels.length} calibration texts)`);
}

// 6. Export and check: the ONNX file as shipped, per-corpus dev accuracy.
const onnxBytes = trained.onnx({ temperature, classBias }, NAME, docString);
await writeFile(path.join(out, 'onnx', 'model.onnx'), onnxBytes);
const shipped = await createOnnxModel(onnxBytes, { intraOpThreads: 2 });
for (const [name, set] of devSets) {
  const { logits } = await onnxLogits(shipped, set);
  let right = 0;
  for (let i = 0; i < set.labels.length; i++) if (predictedClass(logits.subarray(i * 3, i * 3 + 3), 3, set.binary?.[i] === 1) === set.labels[i]) right++;
  log(`  dev ${name.padEnd(24)} accuracy ${((right / set.labels.length) * 100).toFixed(2)} %`);
}
await shipped.release();
await writeFile(
  path.join(out, 'config.json'),
  `${JSON.stringify(multiConfigJson({ name: NAME, vocab: vocab.size, maxLength: MAX_LENGTH, temperature, classBias: Array.from(classBias), corpora: corpora.map((c) => c.spec.name), architecture: trained.config }), null, 2)}\n`,
);
log(
  `wrote ${out}: onnx/model.onnx ${(onnxBytes.length / 1e6).toFixed(2)} MB (sha256 ${createHash('sha256').update(onnxBytes).digest('hex').slice(0, 16)}…); ` +
    `${seconds(started).toFixed(0)} s in all on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}`,
);
