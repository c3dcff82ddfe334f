// loadClassifier behind a dynamic import: a process that only starts classifier threads (the worker's
// main thread) then never loads transformers.js or onnxruntime itself (docs/benchmarks.md, "Memory").
import type { ClassifierOptions, LocalClassifier } from './load-classifier.js';

export async function loadClassifier(options: ClassifierOptions): Promise<LocalClassifier> {
  const { loadClassifier: load } = await import('./load-classifier.js');
  return load(options);
}
