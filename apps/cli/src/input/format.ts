import path from 'node:path';
import { usage } from '../exit-codes.js';

export const INPUT_FORMATS = ['text', 'csv', 'jsonl'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const BY_EXTENSION: Record<string, InputFormat> = {
  '': 'text',
  '.txt': 'text',
  '.text': 'text',
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** `--format` when given, else the file's extension; anything else must be named explicitly. */
export function inputFormatOf(file: string, explicit?: InputFormat): InputFormat {
  if (explicit) return explicit;
  const ext = path.extname(file).toLowerCase();
  const format = BY_EXTENSION[ext];
  if (!format) throw usage(`cannot tell the format of ${file} from its extension "${ext}": pass --format text, csv or jsonl`);
  return format;
}
