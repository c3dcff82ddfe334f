// Trains the project's sentiment model on SST-2 and writes it, ready to ship, in HF / Transformers.js layout:
//   npm run train:model:v1 -- --data ../shared/data/sst2 [--out DIR] [--seed N] [--epochs N] [--models N] [--threads N]
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createOnnxModel } from '../src/onnx-session.js';
import { configJson, modelCard, type RunSummary } from '../src/export/model-card.js';
import { gruEnsembleToOnnx } from '../src/export/gru-ensemble-onnx.js';
import { onnxAccuracy } from '../src/export/onnx-eval.js';
import { countToken, encodeTexts } from '../src/training/encoded-set.js';
import { ensembleAccuracy, memberSeed, trainEnsemble } from '../src/training/run-ensemble.js';
import { readSst2 } from '../src/training/sst2-tsv.js';
import { tokenizerConfigJson, tokenizerJson } from '../src/training/tokenizer-files.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../src/training/train-gru.js';
import { buildVocab } from '../src/training/vocab.js';

const NAME = 'sentiment-sst2-v1';
const MAX_LENGTH = 128;
const repoRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve(repoRoot, '../shared/data/sst2') },
    out: { type: 'string', default: path.join(repoRoot, 'packages/model/models', NAME) },
    seed: { type: 'string', default: '1' },
    epochs: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.epochs) },
    models: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
  },
});

const started = performance.now();
const seconds = (from: number) => (performance.now() - from) / 1000;
const log = (message: string) => console.log(`[${seconds(started).toFixed(0).padStart(4)} s] ${message}`);
const int = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
};
const seed = int('seed', args.seed);
const members = Math.max(1, int('models', args.models));
const threads = Math.max(1, int('threads', args.threads));
const epochs = Math.max(1, int('epochs', args.epochs));
const out = path.resolve(args.out);

const train = await readSst2(path.join(args.data, 'train.tsv'));
const dev = await readSst2(path.join(args.data, 'dev.tsv'));
log(`read ${train.length} training and ${dev.length} dev examples from ${args.data}`);

const vocab = buildVocab(train.map((r) => r.text));
await mkdir(path.join(out, 'onnx'), { recursive: true });
await writeFile(path.join(out, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
await writeFile(path.join(out, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfigJson(MAX_LENGTH), null, 2)}\n`);
log(`vocabulary: ${vocab.size} tokens; tokenizer written to ${out}`);

// Encode through the runtime tokenizer reading the files just written: the ids inference will see.
const trainSet = await encodeTexts({ modelDir: out }, train, MAX_LENGTH);
const devSet = await encodeTexts({ modelDir: out }, dev, MAX_LENGTH);
const unk = vocab.get('[UNK]')!;
const trainUnk = countToken(trainSet, unk);
const devUnkRate = countToken(devSet, unk) / devSet.ids.length;
log(`encoded ${trainSet.ids.length} train tokens ([UNK]: ${trainUnk}), ${devSet.ids.length} dev tokens ([UNK]: ${(devUnkRate * 100).toFixed(2)} %)`);

const config: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  epochs,
  seed,
  shape: { vocab: vocab.size, embed: 64, hidden: 64, classes: 2 },
};
const trainStarted = performance.now();
log(`training ${members} member(s) on ${threads} thread(s), ${epochs} epoch(s) each`);
const results = await trainEnsemble(trainSet, devSet, config, {
  members,
  threads,
  onMessage(m) {
    if (m.type === 'progress') {
      log(`member ${m.member}: ${(m.done * 100).toFixed(0)} % (epoch ${m.epoch + 1}), loss ${m.meanLoss.toFixed(4)}`);
    } else if (m.type === 'epoch') {
      log(`member ${m.member}: epoch ${m.epoch + 1} dev accuracy ${(m.devAccuracy * 100).toFixed(2)} %`);
    }
  },
});
const trainSeconds = seconds(trainStarted);
const ensembleDev = ensembleAccuracy(results, devSet.labels, 2);
log(`trained in ${trainSeconds.toFixed(0)} s; members ${results.map((r) => (r.devAccuracy * 100).toFixed(2)).join(', ')} %, ensemble ${(ensembleDev * 100).toFixed(2)} %`);

const onnxBytes = gruEnsembleToOnnx(
  results.map((r) => r.params),
  { name: NAME, docString: `${NAME}: ensemble of ${members} bidirectional GRUs trained on SST-2` },
);
await writeFile(path.join(out, 'onnx', 'model.onnx'), onnxBytes);
const onnxSha256 = createHash('sha256').update(onnxBytes).digest('hex');
const shipped = await createOnnxModel(onnxBytes, { intraOpThreads: 1 });
const onnxDev = await onnxAccuracy(shipped, devSet);
await shipped.release();
log(`exported onnx/model.onnx (${(onnxBytes.length / 1e6).toFixed(2)} MB, sha256 ${onnxSha256}); ONNX dev accuracy ${(onnxDev * 100).toFixed(2)} %`);

const summaryBase = { name: NAME, shape: config.shape, maxLength: MAX_LENGTH, members: results.map((r) => ({ seed: memberSeed(seed, r.member), devAccuracy: r.devAccuracy })) };
await writeFile(path.join(out, 'config.json'), `${JSON.stringify(configJson(summaryBase), null, 2)}\n`);

async function listFiles(dir: string, prefix = ''): Promise<{ path: string; bytes: number }[]> {
  const files: { path: string; bytes: number }[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else if (entry.name !== 'README.md') files.push({ path: rel, bytes: (await stat(path.join(dir, entry.name))).size });
  }
  return files;
}

const command = `npm run train:model:v1 -- ${process.argv.slice(2).join(' ')}`.trim();
const { epochs: _e, ...rest } = DEFAULT_TRAIN_CONFIG;
const summary: RunSummary = {
  ...summaryBase,
  config: { ...rest, epochs },
  seed,
  ensembleDevAccuracy: ensembleDev,
  onnxDevAccuracy: onnxDev,
  trainExamples: train.length,
  devExamples: dev.length,
  trainUnkTokens: trainUnk,
  devUnkRate,
  command,
  trainSeconds,
  totalSeconds: seconds(started),
  threads: Math.min(threads, members),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`,
  files: await listFiles(out),
  onnxSha256,
};
await writeFile(path.join(out, 'README.md'), modelCard(summary));
const total = summary.files.reduce((a, f) => a + f.bytes, 0) + (await readFile(path.join(out, 'README.md'))).length;
log(`wrote ${out} (${(total / 1e6).toFixed(2)} MB in all)`);
