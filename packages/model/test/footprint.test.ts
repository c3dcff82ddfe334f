// What a process pays for the model: importing the package must not load the model's libraries, so the
// worker's main thread (which only starts classifier threads) stays small.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultModelDir } from '../src/index.js';
import { repoRoot } from './fixtures/shared-data.js';

describe.skipIf(!fs.existsSync('/proc/self/maps'))('package footprint', () => {
  it('loads onnxruntime (and transformers.js) only when a classifier is loaded in-process', async () => {
    const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
    const script = fileURLToPath(new URL('./fixtures/onnxruntime-mapped.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(tsx, [script, defaultModelDir]);
    expect(JSON.parse(stdout)).toEqual({ afterImport: false, afterLoad: true });
  });
});
