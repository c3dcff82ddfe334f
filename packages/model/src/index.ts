export * from './classifier.js';
export { loadClassifier, type ClassifierOptions, type ClassifierTuning, type LocalClassifier } from './load-classifier.js';
export { createThreadedClassifier, type ThreadedClassifierOptions } from './threaded-classifier.js';
export { ModelLoadError } from './model-load-error.js';
export { defaultModelDir } from './default-model.js';
export { DEFAULT_NEUTRAL_THRESHOLD } from './runtime/scoring.js';
export type { ModelSource } from './transformers-js.js';
