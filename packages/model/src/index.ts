export * from './classifier.js';
export { type ClassifierOptions, type ClassifierTuning, type LocalClassifier } from './load-classifier.js';
export { loadClassifier } from './load-on-demand.js';
export { createThreadedClassifier, type ThreadedClassifierOptions } from './threaded-classifier.js';
export { ModelLoadError } from './model-load-error.js';
export { defaultModelDir, shippedModelDir, sst2V1ModelDir } from './default-model.js';
export { DEFAULT_NEUTRAL_THRESHOLD } from './runtime/scoring.js';
export type { ModelSource } from './transformers-js.js';
