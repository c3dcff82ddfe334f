// Learns a WordPiece vocabulary the way Hugging Face's WordPiece trainer does: byte-pair merges over the
// training words, written as word-initial pieces and `##` continuations. Every character seen at least
// `minCharCount` times is in the vocabulary in both forms, so only unseen characters can become [UNK].
import { SPECIAL_TOKENS } from './vocab.js';

export interface WordPieceTrainOptions {
  vocabSize: number;
  minCharCount?: number;
  /** Words that must stay single tokens (placeholders). */
  keepWhole?: readonly string[];
  /** Longer words are left out of training (WordPiece's own limit is 100 characters). */
  maxWordChars?: number;
}

const SEP = '\u0000';

/** Max-heap of [count, key]; ties broken by key so the merge order is reproducible. */
class PairHeap {
  private readonly items: [number, string][] = [];
  private above(a: [number, string], b: [number, string]) {
    return a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]);
  }
  push(item: [number, string]): void {
    const h = this.items;
    h.push(item);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.above(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }
  pop(): [number, string] | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.above(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.above(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function merged(a: string, b: string): string {
  return a + (b.startsWith('##') ? b.slice(2) : b);
}

/** Token → id: specials, kept-whole words, characters, then merges in the order they were learned. */
export function trainWordPiece(wordCounts: Map<string, number>, options: WordPieceTrainOptions): Map<string, number> {
  const { vocabSize, minCharCount = 2, keepWhole = [], maxWordChars = 50 } = options;
  const vocab = new Map<string, number>();
  const add = (token: string) => {
    if (!vocab.has(token)) vocab.set(token, vocab.size);
  };
  for (const token of [...SPECIAL_TOKENS, ...keepWhole]) add(token);

  const charCounts = new Map<string, number>();
  for (const [word, n] of wordCounts) for (const ch of word) charCounts.set(ch, (charCounts.get(ch) ?? 0) + n);
  const alphabet = [...charCounts].filter(([, n]) => n >= minCharCount).map(([ch]) => ch).sort();
  const known = new Set(alphabet);
  for (const ch of alphabet) add(ch);
  for (const ch of alphabet) add(`##${ch}`);

  // Words as symbol arrays; words with an unknown character or too long are left out (they become [UNK] or pieces anyway).
  const words: string[][] = [];
  const counts: number[] = [];
  for (const [word, n] of [...wordCounts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const chars = [...word];
    if (keepWhole.includes(word) || chars.length > maxWordChars || !chars.every((c) => known.has(c))) continue;
    words.push(chars.map((c, i) => (i === 0 ? c : `##${c}`)));
    counts.push(n);
  }

  const pairCount = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  // Pairs whose count changed during the current merge: their heap entries must be renewed.
  let changed = new Set<string>();
  const addPairs = (w: number, sign: 1 | -1) => {
    const symbols = words[w]!;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = symbols[i] + SEP + symbols[i + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * counts[w]!);
      changed.add(key);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  words.forEach((_, w) => addPairs(w, 1));
  const heap = new PairHeap();
  for (const [key, n] of pairCount) heap.push([n, key]);

  while (vocab.size < vocabSize) {
    const top = heap.pop();
    if (!top) break;
    const [n, key] = top;
    if (pairCount.get(key) !== n) continue; // stale entry
    if (n <= 0) break;
    const [a, b] = key.split(SEP) as [string, string];
    const token = merged(a, b);
    changed = new Set();
    for (const w of pairWords.get(key) ?? []) {
      const symbols = words[w]!;
      addPairs(w, -1);
      const next: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          next.push(token);
          i++;
        } else next.push(symbols[i]!);
      }
      words[w] = next;
      addPairs(w, 1);
    }
    pairCount.delete(key);
    pairWords.delete(key);
    changed.delete(key);
    for (const k of changed) heap.push([pairCount.get(k) ?? 0, k]);
    add(token);
  }
  return vocab;
}
