// Benchmark input: SST-2 dev sentences when ../shared is present, else sentences generated from a small
// review grammar. Either way TextSource never hands out the same text twice within a process, so the
// result cache cannot answer for the model (the benchmarks also count cache hits from the rows).
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../test/support/processes.js';

const OPENERS = ['Honestly,', 'To be fair,', 'Overall,', 'In short,', 'Frankly,', 'All in all,', 'Sadly,', 'Happily,', 'Somehow', 'Again,', 'Still,', 'Yesterday', 'Today', 'This time', 'At first', 'In the end'];
const SUBJECTS = ['the film', 'the plot', 'the acting', 'the service', 'the delivery', 'the app', 'the meal', 'the hotel', 'the battery', 'the support team', 'the update', 'the sequel', 'the screen', 'the staff', 'the price', 'the soundtrack', 'the ending', 'the camera', 'the checkout', 'the package'];
const VERBS = ['was', 'felt', 'seemed', 'turned out', 'looked', 'sounded', 'proved', 'remained'];
const ADJECTIVES = ['wonderful', 'awful', 'boring', 'moving', 'slow', 'brilliant', 'disappointing', 'fine', 'excellent', 'terrible', 'predictable', 'charming', 'broken', 'helpful', 'rude', 'overpriced', 'flawless', 'mediocre', 'stunning', 'confusing', 'ordinary', 'delightful', 'frustrating', 'decent'];
const CLOSERS = ['and I would say so again.', 'for what it is worth.', 'if you ask me.', 'to everyone I know.', 'more than I expected.', 'less than I hoped.', 'which nobody mentioned.', 'as the reviews said.', 'in every way.', 'on the whole.'];
const GRAMMAR = [OPENERS, SUBJECTS, VERBS, ADJECTIVES, CLOSERS];
/** Distinct sentences the grammar can make before the mixed-radix index repeats a combination. */
const GRAMMAR_SIZE = GRAMMAR.reduce((n, words) => n * words.length, 1);

/** Sentence `i` of the grammar: the index written in mixed radix picks one word per slot, so no two `i` below GRAMMAR_SIZE collide. */
function generated(i: number): string {
  const words: string[] = [];
  let rest = i % GRAMMAR_SIZE;
  for (const slot of GRAMMAR) {
    words.push(slot[rest % slot.length]!);
    rest = Math.floor(rest / slot.length);
  }
  const pass = Math.floor(i / GRAMMAR_SIZE);
  return pass === 0 ? words.join(' ') : `${words.join(' ')} (${pass})`;
}

let pool: string[] | null | undefined;

/** SST-2 dev sentences, each once; null without ../shared. */
function sst2Pool(): string[] | null {
  if (pool !== undefined) return pool;
  const file = path.join(process.env.SHARED_DATA_DIR ?? path.join(repoRoot, '..', 'shared', 'data'), 'sst2', 'dev.tsv');
  pool = fs.existsSync(file)
    ? [...new Set(fs.readFileSync(file, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]!.trim()))]
    : null;
  return pool;
}

/** Which texts this run uses: printed by the benchmarks with their figures. */
export function textSourceName(): string {
  const sst2 = sst2Pool();
  return sst2
    ? `SST-2 dev (${sst2.length} distinct sentences; later passes get distinct suffixes)`
    : `generated review sentences (${GRAMMAR_SIZE.toLocaleString('en-US')} distinct before a numbered suffix; ../shared not found)`;
}

function sentencePool(): string[] {
  return sst2Pool() ?? Array.from({ length: 1000 }, (_, i) => generated(i));
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
    const sentences = sst2Pool();
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++, this.next++) {
      if (!sentences) {
        out[i] = generated(this.next);
        continue;
      }
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
