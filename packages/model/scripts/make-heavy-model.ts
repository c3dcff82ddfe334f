// Builds the benchmark-only "heavy" model: DistilBERT's shapes, random weights, the shipped model's
// tokenizer and inputs/outputs, so loadClassifier and the worker (MODEL_DIR=…) load it unchanged.
// Usage: npm run bench:make-heavy-model [-- --out DIR] [--seed N]   (default DIR: <tmpdir>/sentiment-heavy-model)
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeavyModel } from '../src/export/heavy-model.js';

/** Script paths are relative to the repo root, whatever the cwd npm gives the script. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const { values } = parseArgs({ options: { out: { type: 'string' }, seed: { type: 'string' } } });
const dir = values.out ? path.resolve(repoRoot, values.out) : path.join(os.tmpdir(), 'sentiment-heavy-model');
// ~210 MB of random weights: keep them out of the working tree (and so out of any commit).
const relative = path.relative(repoRoot, dir);
if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
  console.error(`refusing to write the heavy model inside the repository (${dir}); pass --out outside it`);
  process.exit(2);
}

const started = Date.now();
const summary = writeHeavyModel(dir, { seed: Number(values.seed ?? 1) });
const { shape } = summary;
console.error(
  `heavy model: ${shape.layers} layers, hidden ${shape.hidden}, ${shape.heads} heads, feed-forward ${shape.feedForward}, ` +
    `max length ${shape.maxPositions}, vocabulary ${shape.vocabSize}; ${(summary.parameters / 1e6).toFixed(1)} M parameters, ` +
    `${(summary.onnxBytes / 1e6).toFixed(0)} MB, built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
// The folder alone on stdout, so `MODEL_DIR=$(npm run -s bench:make-heavy-model)` works.
console.log(dir);
