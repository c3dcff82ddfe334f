// Worker-thread classifier: same answers as in-process, under vitest and under the tsx CLI.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createThreadedClassifier, loadClassifier, type Classifier, type Classification } from '../src/index.js';
import { expectSameScores, mixedTexts } from './fixtures/batching-behaviour.js';
import { repoRoot } from './fixtures/shared-data.js';
import { makeTempDir, removeDir } from './fixtures/temp-dir.js';
import { writeTinyBert } from './fixtures/tiny-bert.js';

let root: string;
let modelDir: string;
let local: Classifier;
let threaded: Classifier;
const texts = mixedTexts(60);
let expected: Classification[];

beforeAll(async () => {
  root = makeTempDir('threaded');
  modelDir = path.join(root, 'tiny-bert-sst2');
  writeTinyBert(modelDir);
  local = await loadClassifier({ modelDir });
  threaded = await createThreadedClassifier({ modelDir, threads: 2, intraOpThreads: 1 });
  expected = await local.predict(texts);
});
afterAll(async () => {
  await Promise.all([local?.close(), threaded?.close()]);
  removeDir(root);
});

describe('threaded classifier', () => {
  it('runs its threads at the nice value asked for, leaving the calling thread as it was (ps -L shows NI)', async () => {
    // Field 19 of /proc/<pid>/task/<tid>/stat, after the parenthesised thread name.
    const nice = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const niceTasks = () => readdirSync('/proc/self/task').filter((tid) => nice(tid) === 7).length;
    const before = niceTasks();
    const niced = await createThreadedClassifier({ modelDir, threads: 2, intraOpThreads: 1, niceness: 7 });
    try {
      expect(niceTasks() - before).toBeGreaterThanOrEqual(2);
      expect(nice(String(process.pid))).toBe(0);
      expectSameScores(await niced.predict(texts), expected);
    } finally {
      await niced.close();
    }
    await expect(createThreadedClassifier({ modelDir, threads: 1, niceness: 20 })).rejects.toThrow(/niceness must be an integer from 0 to 19/);
  });

  it('reports the same model info as the in-process classifier', () => {
    expect(threaded.info).toEqual(local.info);
  });

  it('answers like the in-process classifier, also for concurrent calls spread over threads', async () => {
    expectSameScores(await threaded.predict(texts), expected);
    const slices = [texts.slice(0, 20), texts.slice(20, 25), texts.slice(25)];
    const answers = await Promise.all(slices.map((slice) => threaded.predict(slice)));
    expectSameScores(answers.flat(), expected);
    expect(await threaded.predict([])).toEqual([]);
  });

  it('refuses work after close', async () => {
    const extra = await createThreadedClassifier({ modelDir, threads: 1 });
    await extra.close();
    await expect(extra.predict(['a great joy'])).rejects.toThrow(/closed/);
  });

  it('replaces a thread that died: the texts it held fail, and later texts are answered by its successor', async () => {
    const restarts: Error[] = [];
    // A heap cap the next batch exceeds: the thread dies of it, as of any crash.
    const capped = await createThreadedClassifier({ modelDir, threads: 1, resourceLimits: { maxOldGenerationSizeMb: 64 }, onRestart: (reason) => restarts.push(reason) });
    try {
      const huge = Array.from({ length: 40_000 }, (_, i) => `${'x'.repeat(4000)} ${i}`);
      await expect(capped.predict(huge)).rejects.toThrow(/classifier thread (crashed|exited)/);
      await expect(capped.predict(['a great joy'])).rejects.toThrow(/all its threads have died/);
      await vi.waitFor(() => expect(restarts).toHaveLength(1), { timeout: 5000 });
      expect(restarts[0]!.message).toMatch(/classifier thread (crashed|exited)/);
      expectSameScores(await capped.predict(texts), expected);
      expect(restarts).toHaveLength(1);
    } finally {
      await capped.close();
    }
  });

  it('works when the caller runs under the tsx CLI', async () => {
    const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
    const script = fileURLToPath(new URL('./fixtures/threaded-cli.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(tsx, [script, modelDir, JSON.stringify(texts)], { cwd: root });
    const result = JSON.parse(stdout) as { info: Classifier['info']; predictions: Classification[] };
    expect(result.info).toEqual(local.info);
    expectSameScores(result.predictions, expected);
  });
});
