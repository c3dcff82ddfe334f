import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PredictBody } from '@sentiment/contract';
import { badInput } from '../exit-codes.js';
import { parseCsv } from './csv.js';
import type { InputFormat } from './format.js';
import type { ParsedInput } from './items.js';
import { parseJsonl } from './jsonl.js';
import { parseTextLines } from './text.js';

export interface InputOptions {
  format: InputFormat;
  /** CSV: the column holding the texts. */
  column?: string;
  /** JSONL: the field holding the texts. */
  field: string;
}

export interface Input extends ParsedInput {
  file: string;
  /** sha256 of the file's bytes: with the options it names the submission and its idempotency keys. */
  sha256: string;
}

/** The API's own text rule (length, NUL), so a bad line is reported by number before anything is sent. */
const TextRule = PredictBody.shape.text;
const MAX_REPORTED = 5;

/** Reads the whole file (texts are small; a million lines is ~100 MB) and extracts its texts. */
export async function readInput(file: string, options: InputOptions): Promise<Input> {
  const bytes = await readBytes(file);
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(bytes); // also drops a leading BOM
  } catch {
    throw badInput(`${file} is not UTF-8 text`);
  }
  const parsed = parse(content, file, options);
  if (parsed.items.length === 0) {
    throw badInput(parsed.blank > 0 ? `${file} holds no texts (only ${parsed.blank} blank lines)` : `${file} is empty`);
  }
  const problems = parsed.items.flatMap(({ line, text }) => {
    const check = TextRule.safeParse(text);
    return check.success ? [] : [`${file}:${line}: ${check.error.issues[0]?.message ?? 'invalid text'}`];
  });
  if (problems.length > 0) {
    const more = problems.length > MAX_REPORTED ? `\n(and ${problems.length - MAX_REPORTED} more)` : '';
    throw badInput(`${problems.slice(0, MAX_REPORTED).join('\n')}${more}`);
  }
  return { ...parsed, file, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function parse(content: string, file: string, { format, column, field }: InputOptions): ParsedInput {
  switch (format) {
    case 'text':
      return parseTextLines(content);
    case 'csv':
      return parseCsv(content, file, column);
    case 'jsonl':
      return parseJsonl(content, file, field);
  }
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw badInput(`${file}: no such file`);
    if (code === 'EISDIR') throw badInput(`${file} is a directory, not a file`);
    if (code === 'EACCES') throw badInput(`${file}: permission denied`);
    throw badInput(`${file}: cannot read it (${(err as Error).message})`);
  }
}
