// Reads the GLUE SST-2 TSV files (header `sentence\tlabel`, no quoting, one trailing space per sentence).
import { readFile } from 'node:fs/promises';
import { detokenizePtb } from './ptb-detokenize.js';

export interface LabelledText {
  text: string;
  label: 0 | 1;
}

export function parseSst2Tsv(content: string): LabelledText[] {
  const lines = content.split('\n');
  if (lines[0]?.trim() !== 'sentence\tlabel') throw new Error(`unexpected SST-2 header: ${lines[0]}`);
  const rows: LabelledText[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const [sentence, label] = line.split('\t');
    if (sentence === undefined || (label?.trim() !== '0' && label?.trim() !== '1')) {
      throw new Error(`bad SST-2 row: ${JSON.stringify(line)}`);
    }
    rows.push({ text: detokenizePtb(sentence), label: label.trim() === '1' ? 1 : 0 });
  }
  return rows;
}

export async function readSst2(file: string): Promise<LabelledText[]> {
  return parseSst2Tsv(await readFile(file, 'utf8'));
}
