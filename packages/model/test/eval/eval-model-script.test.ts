// npm run eval:model end to end on two tiny TSV files (both formats) with the shipped binary model.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPORA } from '../../src/training/corpora.js';
import { makeTempDir, removeDir } from '../fixtures/temp-dir.js';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const script = path.join(repoRoot, 'packages', 'model', 'scripts', 'eval-model.ts');
const MODEL = 'packages/model/models/sentiment-sst2-v1';

/** Runs the script; resolves with stdout, stderr and the exit code whatever the code. */
async function evalModel(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [script, ...args], { cwd: repoRoot, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('eval-model script', () => {
  let dir: string;
  let threeClass: string;
  let sst2: string;
  beforeAll(() => {
    dir = makeTempDir('eval-model');
    threeClass = path.join(dir, 'three-class.tsv');
    fs.writeFileSync(
      threeClass,
      [
        'text\tlabel',
        'What a wonderful afternoon with friends, I loved it.\tpositive',
        'The new phone is fantastic and the battery lasts for days.\tpositive',
        'This is the worst service I have ever had.\tnegative',
        'The soup was cold and the waiter was rude.\tnegative',
        'The train leaves at seven in the morning.\tneutral',
        'She works in the accounting department.\tneutral',
        '',
      ].join('\n'),
    );
    sst2 = path.join(dir, 'sst2-format.tsv');
    fs.writeFileSync(
      sst2,
      ['sentence\tlabel', 'a delightful , moving film \t1', 'it does n\'t work at all , a dull mess \t0', 'beautifully shot and well acted \t1', 'tedious and painfully boring \t0', ''].join('\n'),
    );
  });
  afterAll(() => removeDir(dir));

  it('prints the model and both peers on a three-class file, and writes JSON', async () => {
    const json = path.join(dir, 'out.json');
    const { code, stdout, stderr } = await evalModel(['--data', threeClass, '--model', MODEL, '--json', json]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('6 texts, three-class gold');
    for (const system of ['sentiment-sst2-v1', 'AFINN', 'VADER']) expect(stdout).toMatch(new RegExp(`^\\| ${system} +\\| +[0-9.]+ \\|`, 'm'));
    expect(stdout).toContain('margin  model − best peer (macro-recall)');
    // The margin's interval holds the margin measured on all the texts.
    const margin = Number(/model − best peer \(macro-recall\): ([+-][0-9.]+)/.exec(stdout)![1]);
    const [low, high] = /margin \[([+-][0-9.]+), ([+-][0-9.]+)\]/.exec(stdout)!.slice(1).map(Number);
    expect(low).toBeLessThanOrEqual(margin);
    expect(high).toBeGreaterThanOrEqual(margin);
    expect(high! - low!).toBeGreaterThan(0); // 6 texts: another sample could differ a lot
    expect(stdout).toMatch(/\| AFINN +(\| +[0-9.]+ +){3}\| +- \|/m); // no ECE for word lists
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report.model.name).toBe('sentiment-sst2-v1');
    const [corpus] = report.corpora;
    expect(corpus.texts).toBe(6);
    expect(corpus.binary).toBe(false);
    expect(Object.keys(corpus.systems)).toEqual(['model', 'afinn', 'vader']);
    expect(corpus.systems.model.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(6);
    expect(corpus.systems.model.ece).toBeTypeOf('number');
    expect(corpus.systems.afinn.ece).toBeNull();
    for (const figure of ['margin', 'model', 'ece', 'calibratedEce']) expect(corpus.intervals[figure].low).toBeLessThanOrEqual(corpus.intervals[figure].high);
  });

  it('reports binary accuracy on an SST-2-format file, plus the everyday table', async () => {
    const { code, stdout, stderr } = await evalModel(['--data', sst2, '--model', MODEL, '--everyday', '--baseline', MODEL]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('4 texts, binary gold');
    expect(stdout).toMatch(/\| system +\| binary accuracy \|/);
    for (const system of ['sentiment-sst2-v1', 'AFINN', 'VADER']) expect(stdout).toMatch(new RegExp(`^\\| ${system} +\\|`, 'm'));
    expect(stdout).toMatch(/model's own answers .*neutral on \d+ texts/);
    expect(stdout).toMatch(/\| The package arrived on Tuesday\. +\| neutral +\|/);
    expect(stdout).toContain('| baseline sentiment-sst2-v1 |');
    expect(stdout).toMatch(/\*\*\d+ \/ 20\*\*/);
  });

  it('--compare: a model against itself differs by exactly 0 on every resample; against another, by its own figures', async () => {
    const v2 = 'packages/model/models/sentiment-multi-v2';
    const [same, against] = await Promise.all([
      evalModel(['--data', threeClass, '--model', MODEL, '--compare', MODEL]),
      evalModel(['--data', threeClass, '--model', v2, '--compare', MODEL]),
    ]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/^compare sentiment-sst2-v1\+[0-9a-f]{8}: macro-recall [0-9.]+, ECE [0-9.]+; model − it \+0\.000, 95 % interval \[\+0\.000, \+0\.000\]$/m);
    expect(against.code, against.stderr).toBe(0);
    const model = Number(/^\| sentiment-multi-v2 +\| +[0-9.]+ \| +([0-9.]+) \|/m.exec(against.stdout)![1]);
    const [figure, difference] = /^compare sentiment-sst2-v1\S*: macro-recall ([0-9.]+), ECE [0-9.]+; model − it ([+-][0-9.]+)/m.exec(against.stdout)!.slice(1).map(Number);
    expect(difference).toBeCloseTo(model - figure!, 2);
  });

  it('--all --split calibration: the held-out calibration splits of the three-class corpora, with the selection figure', async () => {
    // A miniature of ../shared/data: every corpus, 60 training rows each (SST-2: binary, in its own format).
    const dataDir = path.join(dir, 'corpora');
    const words = { negative: 'awful', neutral: 'ordinary', positive: 'wonderful' } as const;
    const rows = (n: number, offset = 0) =>
      Array.from({ length: n }, (_, i) => {
        const label = (['negative', 'neutral', 'positive'] as const)[i % 3]!;
        return `The ${words[label]} thing number ${i + offset} happened.\t${label}`;
      });
    for (const spec of CORPORA) {
      fs.mkdirSync(path.join(dataDir, spec.name), { recursive: true });
      const write = (file: string, lines: string[]) => fs.writeFileSync(path.join(dataDir, spec.name, file), [spec.binary ? 'sentence\tlabel' : 'text\tlabel', ...lines, ''].join('\n'));
      const sst2 = (n: number) => Array.from({ length: n }, (_, i) => `a ${i % 2 ? 'wonderful' : 'awful'} film ${i} \t${i % 2}`);
      write('train.tsv', spec.binary ? sst2(60) : rows(60));
      if (spec.dev === 'official') write('dev.tsv', spec.binary ? sst2(10) : rows(9, 1000));
    }
    const json = path.join(dir, 'calibration.json');
    const { code, stdout, stderr } = await evalModel(['--all', '--split', 'calibration', '--data-dir', dataDir, '--model', MODEL, '--json', json]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('summary: sentiment-sst2-v1 vs word lists, calibration splits');
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report.split).toBe('calibration');
    // SST-2 has no calibration split; every other corpus holds a few of its 60 rows out for calibration.
    expect(report.corpora.map((c: { corpus: string }) => c.corpus)).toEqual(CORPORA.filter((c) => !c.binary).map((c) => c.name));
    for (const c of report.corpora) expect(c.texts).toBeGreaterThanOrEqual(3);
    const mean = report.corpora.reduce((a: number, c: { systems: { model: { macroRecall: number } } }) => a + c.systems.model.macroRecall, 0) / 6;
    expect(stdout).toContain(`mean macro-recall over the three-class corpora (train:model's selection figure): ${mean.toFixed(4)}`);
  });

  it('exits 2 with the usage on bad arguments', async () => {
    // Few cases: each is a tsx start-up (~1 s of CPU).
    const cases = [[], ['--bogus'], ['--data', sst2, '--all'], ['--data', path.join(dir, 'missing.tsv')], ['--baseline', MODEL], ['--everyday', '--compare', MODEL], ['--data', sst2, '--split', 'calibration']];
    const results = await Promise.all(cases.map((args) => evalModel(args)));
    results.forEach((r, i) => {
      expect(r.code, `args ${JSON.stringify(cases[i])}`).toBe(2);
      expect(r.stderr).toContain('usage:');
      expect(r.stdout).toBe('');
    });
  });
});
