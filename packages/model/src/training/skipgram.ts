// Unsupervised pre-training of the embedding table: skip-gram with negative sampling (word2vec, Mikolov et al.
// 2013) over the encoded training texts, labels unused. Word pieces that occur in similar contexts end up with
// similar vectors, so the classifier starts knowing that "gr8" and "great" go together before it sees a label.
// Single-threaded and seeded: the same ids and options give the same table.
import type { EncodedSet } from './encoded-set.js';
import { NOISE_TABLE_SIZE, noiseTable } from './noise-table.js';
import { deriveSeed, mulberry32 } from './prng.js';

export interface SkipGramOptions {
  vocab: number;
  embed: number;
  seed: number;
  /** Largest distance between a word piece and a context piece (each pair samples a window in 1..window). */
  window?: number;
  negatives?: number;
  epochs?: number;
  learningRate?: number;
  /** Frequent pieces are dropped with probability 1 − √(sample / frequency) (word2vec's subsampling). */
  sample?: number;
  /** Ids never trained on nor predicted ([PAD], [CLS], [SEP], …). */
  ignore?: ArrayLike<number>;
  log?: (message: string) => void;
}

export interface PretrainedEmbeddings {
  embed: number;
  /** [vocab, embed]: the trained input vectors. */
  vectors: Float32Array;
  /** 1 for ids that occurred in the text (the others keep the network's own initialisation). */
  seen: Uint8Array;
}

export function trainSkipGram(set: Pick<EncodedSet, 'ids' | 'offsets'>, o: SkipGramOptions): PretrainedEmbeddings {
  const { vocab: V, embed: E } = o;
  const window = o.window ?? 5;
  const negatives = o.negatives ?? 5;
  const epochs = o.epochs ?? 3;
  const lr0 = o.learningRate ?? 0.025;
  const sample = o.sample ?? 1e-4;
  const ignored = new Uint8Array(V);
  for (const id of Array.from(o.ignore ?? [])) ignored[id] = 1;

  const counts = new Float64Array(V);
  let total = 0;
  for (const id of set.ids) {
    if (ignored[id]) continue;
    counts[id]! += 1;
    total++;
  }
  const seen = Uint8Array.from(counts, (c) => (c > 0 ? 1 : 0));
  // Keep probability per id (subsampling); negatives come from the unigram^0.75 table.
  const keep = new Float32Array(V);
  for (let v = 0; v < V; v++) {
    if (counts[v]! === 0) continue;
    const f = counts[v]! / total;
    keep[v] = Math.min(1, (Math.sqrt(f / sample) + 1) * (sample / f));
  }
  const table = noiseTable(counts);

  const random = mulberry32(deriveSeed(o.seed, 11));
  const syn0 = new Float32Array(V * E);
  for (let i = 0; i < syn0.length; i++) syn0[i] = ((random() * 2 - 1) * 0.5) / E;
  const syn1 = new Float32Array(V * E);
  const grad = new Float32Array(E);
  const sequences = set.offsets.length - 1;
  const order = Int32Array.from({ length: sequences }, (_, i) => i);
  const kept = new Int32Array(1024);
  // Pieces seen in all epochs (before subsampling), for the linear learning-rate decay.
  const work = total * epochs;
  let done = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = sequences - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    let loss = 0;
    let pairs = 0;
    for (const s of order) {
      let n = 0;
      for (let p = set.offsets[s]!; p < set.offsets[s + 1]!; p++) {
        const id = set.ids[p]!;
        if (ignored[id]) continue;
        done++;
        if (keep[id]! < 1 && random() > keep[id]!) continue;
        if (n < kept.length) kept[n++] = id;
      }
      const lr = Math.max(lr0 * (1 - done / work), lr0 * 1e-4);
      for (let c = 0; c < n; c++) {
        const center = kept[c]!;
        const b = 1 + Math.floor(random() * window);
        for (let k = Math.max(0, c - b); k <= Math.min(n - 1, c + b); k++) {
          if (k === c) continue;
          // The context piece's input vector predicts the centre piece against `negatives` random ones.
          const inOff = kept[k]! * E;
          grad.fill(0);
          for (let d = 0; d <= negatives; d++) {
            let target: number;
            let label: number;
            if (d === 0) {
              target = center;
              label = 1;
            } else {
              target = table[Math.floor(random() * NOISE_TABLE_SIZE)]!;
              if (target === center) continue;
              label = 0;
            }
            const outOff = target * E;
            let dot = 0;
            for (let j = 0; j < E; j++) dot += syn0[inOff + j]! * syn1[outOff + j]!;
            const sigma = dot > 10 ? 1 : dot < -10 ? 0 : 1 / (1 + Math.exp(-dot));
            loss -= Math.log(Math.max(label ? sigma : 1 - sigma, 1e-7));
            const g = (label - sigma) * lr;
            for (let j = 0; j < E; j++) {
              grad[j] += g * syn1[outOff + j]!;
              syn1[outOff + j] += g * syn0[inOff + j]!;
            }
          }
          for (let j = 0; j < E; j++) syn0[inOff + j] += grad[j]!;
          pairs++;
        }
      }
    }
    o.log?.(`skip-gram epoch ${epoch + 1}/${epochs}: ${pairs} pairs, loss ${(loss / Math.max(1, pairs)).toFixed(4)} per pair`);
  }
  return { embed: E, vectors: syn0, seen };
}

/**
 * Replaces the rows of `emb` ([rows, embed], the network's random initialisation) of every id the pre-training
 * saw with its pre-trained vector, centred (word2vec vectors share a large common direction, which carries
 * nothing) and rescaled so the values have the standard deviation the initialisation had.
 */
export function applyPretrained(emb: Float32Array | Float64Array, embed: number, pretrained: PretrainedEmbeddings | undefined): void {
  if (!pretrained) return;
  if (pretrained.embed !== embed) throw new Error(`pre-trained embeddings have ${pretrained.embed} dimensions, the network ${embed}`);
  const { vectors, seen } = pretrained;
  const rows = seen.length;
  const mean = new Float64Array(embed);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if (!seen[r]) continue;
    n++;
    for (let j = 0; j < embed; j++) mean[j] += vectors[r * embed + j]!;
  }
  if (n === 0) return;
  for (let j = 0; j < embed; j++) mean[j] /= n;
  let q = 0;
  for (let r = 0; r < rows; r++) if (seen[r]) for (let j = 0; j < embed; j++) q += (vectors[r * embed + j]! - mean[j]!) ** 2;
  const preStd = Math.sqrt(q / (n * embed));
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < rows * embed; i++) {
    s += emb[i]!;
    s2 += emb[i]! * emb[i]!;
  }
  const initStd = Math.sqrt(Math.max(0, s2 / (rows * embed) - (s / (rows * embed)) ** 2));
  const scale = preStd > 0 ? initStd / preStd : 1;
  for (let r = 0; r < rows; r++) {
    if (!seen[r]) continue;
    for (let j = 0; j < embed; j++) emb[r * embed + j] = (vectors[r * embed + j]! - mean[j]!) * scale;
  }
}
