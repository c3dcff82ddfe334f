import { existsSync } from 'node:fs';
import { createThreadedClassifier, defaultModelDir, type Classifier } from '@sentiment/model';

/** The shipped model; TEST_MODEL_DIR points the tests at another folder (e.g. while it is being trained). */
export const TEST_MODEL_DIR = process.env.TEST_MODEL_DIR ?? defaultModelDir;

export async function loadTestClassifier(threads = 2): Promise<Classifier> {
  if (!existsSync(TEST_MODEL_DIR)) {
    throw new Error(`model folder ${TEST_MODEL_DIR} does not exist (train it with \`npm run train:model\` or set TEST_MODEL_DIR)`);
  }
  return createThreadedClassifier({ modelDir: TEST_MODEL_DIR, threads });
}

/** Wraps a real classifier to record the size of every predict() call (the model still runs). */
export function recordBatches(classifier: Classifier): { classifier: Classifier; sizes: number[] } {
  const sizes: number[] = [];
  return {
    sizes,
    classifier: {
      info: classifier.info,
      predict(texts) {
        sizes.push(texts.length);
        return classifier.predict(texts);
      },
      close: () => classifier.close(),
    },
  };
}

export const SAMPLE_TEXTS = [
  'I absolutely loved this film, a joy from start to finish.',
  'Terrible acting and a boring, predictable plot.',
  'It was fine.',
  'The best meal I have had in years!',
  'Worst customer service ever, never again.',
  'An okay experience, nothing special.',
  'Brilliant, moving and beautifully shot.',
  'I want my money back.',
];

/** `n` texts cycling through SAMPLE_TEXTS, each made unique by its index. */
export function texts(n: number, tag = 't'): string[] {
  return Array.from({ length: n }, (_, i) => `${SAMPLE_TEXTS[i % SAMPLE_TEXTS.length]} (${tag}${i})`);
}
