// Benchmark input: SST-2 dev sentences when ../shared is present, else generated review-like sentences.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../test/support/processes.js';

export function benchTexts(n: number): string[] {
  const file = path.join(process.env.SHARED_DATA_DIR ?? path.join(repoRoot, '..', 'shared', 'data'), 'sst2', 'dev.tsv');
  let pool: string[];
  if (fs.existsSync(file)) {
    pool = fs.readFileSync(file, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]!.trim());
  } else {
    const words = ['the', 'film', 'was', 'really', 'not', 'very', 'good', 'bad', 'boring', 'moving', 'acting', 'plot', 'and', 'a'];
    pool = Array.from({ length: 1000 }, (_, i) => Array.from({ length: 8 + (i % 25) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' '));
  }
  return Array.from({ length: n }, (_, i) => pool[i % pool.length]!);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
