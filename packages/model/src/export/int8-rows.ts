// Symmetric int8 quantisation with one scale per row, for embedding tables: a row is looked up whole, so
// its scale is gathered with it, and a rare word's large values do not cost precision to every other row.

export interface Int8Rows {
  values: Int8Array;
  /** One per row: value = int8 × scale. */
  scales: Float32Array;
}

export function quantizeRows(table: ArrayLike<number>, columns: number): Int8Rows {
  if (columns < 1 || table.length % columns !== 0) throw new Error(`a table of ${table.length} values does not split into rows of ${columns}`);
  const rows = table.length / columns;
  const values = new Int8Array(table.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = r * columns; c < (r + 1) * columns; c++) max = Math.max(max, Math.abs(table[c]!));
    // Math.fround: the scale the file stores, so values are rounded against exactly what runtime multiplies by.
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    for (let c = r * columns; c < (r + 1) * columns; c++) values[c] = Math.max(-127, Math.min(127, Math.round(table[c]! / scale)));
  }
  return { values, scales };
}

/** The float table a quantised one stands for (what the exported graph computes for each row). */
export function dequantizeRows({ values, scales }: Int8Rows): Float32Array {
  const columns = values.length / scales.length;
  const table = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) table[i] = values[i]! * scales[Math.floor(i / columns)]!;
  return table;
}
