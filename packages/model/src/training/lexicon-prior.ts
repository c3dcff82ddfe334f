// Prior knowledge from sentiment word lists: the embedding rows of listed words start with their valence
// (dimension 0) and its strength (dimension 1) instead of noise, so rare words the training data barely
// shows begin on the right side. Training may move them like any other weight.

export interface LexiconPrior {
  ids: Int32Array;
  /** Valence in [-1, 1] per id. */
  valences: Float32Array;
  /** Size of the seeded values (the other dimensions start uniform in ±0.25). */
  scale: number;
}

/** Whole-word vocabulary entries found in the word list. */
export function lexiconPrior(vocab: Map<string, number>, valences: Map<string, number>, scale = 0.5): LexiconPrior {
  const hits = [...valences].filter(([word]) => vocab.has(word)).sort((a, b) => vocab.get(a[0])! - vocab.get(b[0])!);
  return {
    ids: Int32Array.from(hits.map(([word]) => vocab.get(word)!)),
    valences: Float32Array.from(hits.map(([, v]) => Math.max(-1, Math.min(1, v)))),
    scale,
  };
}

export function applyLexiconPrior(emb: Float32Array | Float64Array, embed: number, prior: LexiconPrior | undefined): void {
  if (!prior || embed < 2) return;
  prior.ids.forEach((id, k) => {
    emb[id * embed] = prior.valences[k]! * prior.scale;
    emb[id * embed + 1] = Math.abs(prior.valences[k]!) * prior.scale;
  });
}
