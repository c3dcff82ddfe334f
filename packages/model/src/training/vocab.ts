// Whole-word vocabulary from the training texts, with BERT's five special tokens first.
import { bertWords } from './bert-pretokenize.js';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

export interface VocabOptions {
  /** Words seen fewer times are left to [UNK]. */
  minCount?: number;
  /** WordPiece gives up on longer words anyway. */
  maxWordChars?: number;
}

/** Token → id; specials 0–4, then words by descending count (ties alphabetical, so the order is reproducible). */
export function buildVocab(texts: Iterable<string>, { minCount = 1, maxWordChars = 100 }: VocabOptions = {}): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) for (const word of bertWords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const words = [...counts]
    .filter(([word, n]) => n >= minCount && [...word].length <= maxWordChars && !word.startsWith('##'))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([word]) => word);
  const vocab = new Map<string, number>();
  for (const token of [...SPECIAL_TOKENS, ...words]) if (!vocab.has(token)) vocab.set(token, vocab.size);
  return vocab;
}
