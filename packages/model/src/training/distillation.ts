// Teachers for distillation (train:model --distill-from): model folders whose answers on the training texts
// the new model learns beside the gold labels.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gruEnsembleFromOnnx } from '../export/gru-ensemble-onnx.js';
import { onnxLogits } from '../export/onnx-eval.js';
import { createOnnxModel } from '../onnx-session.js';
import { GRU_MODEL_TYPES, gruModel } from './architectures.js';
import { softmaxInPlace } from './class-loss.js';
import type { EncodedSet } from './encoded-set.js';

export interface Teacher {
  dir: string;
  /** Share of the teachers' mixture (normalised over the teachers). */
  weight: number;
}

/** `DIR[=W],DIR[=W]…` (W defaults to 1). */
export function parseTeachers(spec: string): Teacher[] {
  const teachers = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const at = part.lastIndexOf('=');
      const weight = at < 0 ? 1 : Number(part.slice(at + 1));
      if (!(weight > 0)) throw new Error(`--distill-from ${part}: the weight after = must be a positive number`);
      return { dir: at < 0 ? part : part.slice(0, at), weight };
    });
  if (teachers.length === 0) throw new Error('--distill-from names no model folder');
  return teachers;
}

/**
 * A teacher's uncalibrated class probabilities for every sequence of `set`, [n, classes]. A GRU ensemble
 * (config.json `model_type` one of GRU_MODEL_TYPES) is re-exported at temperature 1 without offsets (its
 * members' mean probabilities, exactly); another model's calibration is undone from its config.json:
 * softmax(logits × temperature − class_bias).
 */
export async function teacherProbabilities(dir: string, set: EncodedSet): Promise<Float64Array> {
  const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as { model_type?: string; temperature?: number; class_bias?: number[] };
  const bytes = await readFile(path.join(dir, 'onnx', 'model.onnx'));
  const ensemble = Object.values(GRU_MODEL_TYPES).includes(config.model_type ?? '');
  const session = await createOnnxModel(ensemble ? gruModel(gruEnsembleFromOnnx(bytes)).onnx({ temperature: 1 }, 'teacher', '') : bytes, { intraOpThreads: 2 });
  try {
    const { logits, classes } = await onnxLogits(session, set, 256);
    if (ensemble) return Float64Array.from(logits, Math.exp);
    const t = config.temperature ?? 1;
    const bias = config.class_bias ?? new Array<number>(classes).fill(0);
    const probs = new Float64Array(logits.length);
    for (let i = 0; i < logits.length; i += classes) {
      const row = probs.subarray(i, i + classes);
      for (let c = 0; c < classes; c++) row[c] = logits[i + c]! * t - bias[c]!;
      softmaxInPlace(row, row);
    }
    return probs;
  } finally {
    await session.release();
  }
}

/** Per example: (1 − teacherWeight) × its gold label + teacherWeight × the teachers' weighted mean probabilities. */
export function distillationTargets(labels: ArrayLike<number>, classes: number, teachers: { probs: ArrayLike<number>; weight: number }[], teacherWeight: number): Float32Array {
  const total = teachers.reduce((s, t) => s + t.weight, 0);
  const targets = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    for (let c = 0; c < classes; c++) {
      let mix = 0;
      for (const t of teachers) mix += (t.weight / total) * t.probs[i * classes + c]!;
      targets[i * classes + c] = teacherWeight * mix + (c === labels[i] ? 1 - teacherWeight : 0);
    }
  }
  return targets;
}
