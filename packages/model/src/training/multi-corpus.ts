// Training-time helpers of the multi-corpus recipe (sentiment-multi-v2).

/**
 * The text a training example is learned from. Every airline tweet starts with the airline's handle and
 * 63 % of them are negative, so a model would learn "a tweet that starts with @user is a complaint";
 * the leading mentions are dropped from that corpus' training texts (its dev texts stay as written).
 */
export function trainingText(corpus: string, text: string): string {
  if (corpus !== 'airline-tweets') return text;
  const stripped = text.replace(/^(?:@\w+[\s,:]*)+/, '');
  return stripped === '' ? text : stripped;
}

/**
 * The `limit` most frequent lowercase words of the texts (ties alphabetical): the hashtag segmenter's
 * dictionary. Hashtags, mentions and URLs are left out, so a run-together tag does not count as a word.
 */
export function frequentWords(texts: Iterable<string>, limit: number): string[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const plain = text.replace(/(?:https?:\/\/|www\.)\S+|[#@][\p{L}\p{N}_]+/gu, ' ').toLowerCase();
    for (const word of plain.match(/\p{L}+/gu) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts]
    .filter(([word, n]) => n >= 2 && (word.length > 1 || word === 'a' || word === 'i'))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([word]) => word);
}

/**
 * Loss weights that balance the classes within each corpus (n / (classes present × n of the class)), so
 * every corpus still weighs what its size says but a rare class (negative tweets: 15 % of SemEval) counts
 * as much as a frequent one: what macro-recall measures.
 */
export function classBalancedWeights(groups: ArrayLike<number>, labels: ArrayLike<number>): Float32Array {
  const counts = new Map<number, Map<number, number>>();
  for (let i = 0; i < labels.length; i++) {
    const byLabel = counts.get(groups[i]!) ?? new Map<number, number>();
    byLabel.set(labels[i]!, (byLabel.get(labels[i]!) ?? 0) + 1);
    counts.set(groups[i]!, byLabel);
  }
  const weights = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const byLabel = counts.get(groups[i]!)!;
    const total = [...byLabel.values()].reduce((a, b) => a + b, 0);
    weights[i] = total / (byLabel.size * byLabel.get(labels[i]!)!);
  }
  return weights;
}

/**
 * `sst2=2,semeval-tweets=1.5` → loss-weight factors by corpus name. Every name must be among `corpora` and every
 * factor a positive number, so a typo fails the run instead of silently training the default mixture.
 */
export function parseCorpusWeights(spec: string, corpora: readonly string[]): Map<string, number> {
  const factors = new Map<string, number>();
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name = '', value = ''] = part.split('=').map((s) => s.trim());
    if (!corpora.includes(name)) throw new Error(`--corpus-weights: ${name || part} is not among the corpora trained on (${corpora.join(', ')})`);
    const factor = Number(value);
    if (value === '' || !(factor > 0 && Number.isFinite(factor))) throw new Error(`--corpus-weights: ${name} needs a positive factor (name=factor), got "${part}"`);
    if (factors.has(name)) throw new Error(`--corpus-weights: ${name} is given twice`);
    factors.set(name, factor);
  }
  if (factors.size === 0) throw new Error('--corpus-weights names no corpus (name=factor,…)');
  return factors;
}

/**
 * A phrase's loss weight by its length in words, clamp(words / 10, 0.3, 2): SST-2's training rows are parse-tree
 * phrases (28 % of three words or fewer) while its dev split is whole sentences (19.5 words on average); this
 * moves the corpus' weight from fragments to sentences, keeping its total about the same (×0.93).
 */
export function phraseLengthWeight(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return Math.min(2, Math.max(0.3, words / 10));
}
