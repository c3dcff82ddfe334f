// word2vec's table of negative samples: id v fills a share of the slots proportional to count(v)^0.75, so a
// uniform slot index draws frequent pieces often and rare ones more often than their frequency.
export const NOISE_TABLE_SIZE = 1 << 21;

/** `counts`: occurrences per id (ids with 0 never appear in the table). */
export function noiseTable(counts: ArrayLike<number>, size = NOISE_TABLE_SIZE): Int32Array {
  const V = counts.length;
  let norm = 0;
  for (let v = 0; v < V; v++) norm += counts[v]! ** 0.75;
  if (norm === 0) throw new Error('no counts to draw negative samples from');
  const table = new Int32Array(size);
  let v = 0;
  while (v < V && counts[v] === 0) v++;
  let cumulative = counts[v]! ** 0.75 / norm;
  for (let k = 0; k < size; k++) {
    table[k] = v;
    if (k / size > cumulative && v < V - 1) {
      do v++;
      while (v < V - 1 && counts[v] === 0);
      cumulative += counts[v]! ** 0.75 / norm;
    }
  }
  return table;
}
