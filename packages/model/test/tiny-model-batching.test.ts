// Batching properties against the tiny fixture model (fast, no trained model needed).
import path from 'node:path';
import { afterAll } from 'vitest';
import { loadClassifier } from '../src/index.js';
import { describeBatching } from './fixtures/batching-behaviour.js';
import { makeTempDir, removeDir } from './fixtures/temp-dir.js';
import { writeTinyBert } from './fixtures/tiny-bert.js';

let root: string | undefined;
afterAll(() => root && removeDir(root));

describeBatching('tiny BERT fixture', async () => {
  root = makeTempDir('tiny-batching');
  const modelDir = path.join(root, 'tiny-bert-sst2');
  writeTinyBert(modelDir);
  // Small sub-batches so 80–300 texts span many ONNX runs.
  return loadClassifier({ modelDir, maxBatchSize: 16 });
});
