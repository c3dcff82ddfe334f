// The two model regimes the benchmarks run: the shipped GRU (cheap per text: the pipeline's own cost shows)
// and a DistilBERT-shaped transformer with random weights (expensive per text: the model dominates).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultModelDir } from '@sentiment/model';
import { repoRoot } from '../test/support/processes.js';

export type ModelKind = 'shipped' | 'heavy';

export interface BenchModel {
  kind: ModelKind;
  dir: string;
}

export const DEFAULT_HEAVY_DIR = path.join(os.tmpdir(), 'sentiment-heavy-model');

export function parseModelKind(value: string | undefined): ModelKind {
  const kind = value ?? 'shipped';
  if (kind !== 'shipped' && kind !== 'heavy') throw new Error(`--model must be shipped or heavy, not "${kind}"`);
  return kind;
}

/** The model's folder; the heavy one is built first (npm run bench:make-heavy-model) when it is missing. */
export function resolveModel(kind: ModelKind, heavyDir = DEFAULT_HEAVY_DIR): BenchModel {
  if (kind === 'shipped') return { kind, dir: defaultModelDir };
  const dir = path.resolve(heavyDir);
  if (!fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))) {
    console.error(`building the heavy model in ${dir} …`);
    const made = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'packages/model/scripts/make-heavy-model.ts'), '--out', dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (made.status !== 0) throw new Error(`make-heavy-model failed (exit ${made.status})`);
  }
  return { kind, dir };
}

/** Request and text counts per regime: the heavy model is two orders of magnitude slower than the shipped one. */
export function sizes(kind: ModelKind, scale = 1) {
  const n = (shipped: number, heavy: number) => Math.max(1, Math.round((kind === 'shipped' ? shipped : heavy) * scale));
  return {
    /** Texts per model-only throughput run. */
    modelTexts: n(10_000, 480),
    /** Single-text model calls for the median. */
    singleCalls: n(200, 40),
    /** /predict requests at concurrency 1 and 64, texts per /jobs job. */
    c1Requests: n(300, 60),
    c64Requests: n(4000, 640),
    jobTexts: n(10_000, 960),
    /** Texts per configuration in bench:scaling (six configurations). */
    scalingJobTexts: n(10_000, 480),
    /** Warm-up requests before a measured phase (first runs allocate; onnxruntime plans shapes). */
    warmup: n(200, 32),
  };
}
