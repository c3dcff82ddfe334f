// Benchmark input: SST-2 dev sentences when ../shared is present, else generated review-like sentences.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../test/support/processes.js';

let pool: string[] | undefined;

function sentencePool(): string[] {
  if (pool) return pool;
  const file = path.join(process.env.SHARED_DATA_DIR ?? path.join(repoRoot, '..', 'shared', 'data'), 'sst2', 'dev.tsv');
  if (fs.existsSync(file)) {
    pool = fs.readFileSync(file, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]!.trim());
  } else {
    const words = ['the', 'film', 'was', 'really', 'not', 'very', 'good', 'bad', 'boring', 'moving', 'acting', 'plot', 'and', 'a'];
    pool = Array.from({ length: 1000 }, (_, i) => Array.from({ length: 8 + (i % 25) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' '));
  }
  return pool;
}

/** `n` sentences, cycling through the pool (texts repeat past its size: see TextSource for unique ones). */
export function benchTexts(n: number): string[] {
  const sentences = sentencePool();
  return Array.from({ length: n }, (_, i) => sentences[i % sentences.length]!);
}

// Appended to the pool's sentences from their second pass on, so no text repeats within a run: the
// workers' result cache then never answers for the model, and every figure is the model path's.
const SUFFIXES = ['indeed', 'really', 'truly', 'honestly', 'overall', 'again', 'though', 'somehow', 'frankly', 'still', 'anyway', 'today', 'maybe', 'surely', 'plainly', 'mostly'];

function suffix(pass: number): string {
  const words: string[] = [];
  for (let p = pass; p > 0; p = Math.floor(p / SUFFIXES.length)) words.push(SUFFIXES[p % SUFFIXES.length]!);
  return words.join(' ');
}

/** Hands out the pool's sentences in order, never the same text twice within one process. */
export class TextSource {
  private next = 0;

  take(n: number): string[] {
    const sentences = sentencePool();
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++, this.next++) {
      const pass = Math.floor(this.next / sentences.length);
      const base = sentences[this.next % sentences.length]!;
      out[i] = pass === 0 ? base : `${base} ${suffix(pass)}`;
    }
    return out;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
