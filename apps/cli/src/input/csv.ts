import { CsvError, parse } from 'csv-parse/sync';
import { badInput } from '../exit-codes.js';
import { isBlank, type ParsedInput } from './items.js';

/** The column to read when --column is not given: the only one, or one named `text`. */
function defaultColumn(header: string[], file: string): string {
  if (header.length === 1) return header[0]!;
  if (header.includes('text')) return 'text';
  throw badInput(`${file} has columns ${header.map((h) => JSON.stringify(h)).join(', ')}: choose one with --column NAME`);
}

/**
 * CSV with a header row; the texts come from one column. Empty lines and records whose text is blank
 * are skipped (the latter counted). `line` is where the record starts (a quoted field may span lines).
 */
export function parseCsv(content: string, file: string, column?: string): ParsedInput {
  let header: string[] = [];
  let records: { record: Record<string, string>; info: { lines: number; raw: string } }[];
  try {
    records = parse(content, {
      columns: (names: string[]) => (header = names),
      skip_empty_lines: true,
      info: true,
      raw: true,
    });
  } catch (err) {
    if (err instanceof CsvError) throw badInput(`${file}: not valid CSV: ${err.message}`);
    throw err;
  }
  if (header.length === 0) throw badInput(`${file} is empty: a CSV input needs a header row naming its columns`);
  const name = column ?? defaultColumn(header, file);
  if (!header.includes(name)) {
    throw badInput(`${file} has no column "${name}"; its columns are ${header.map((h) => JSON.stringify(h)).join(', ')}`);
  }

  const parsed: ParsedInput = { items: [], blank: 0 };
  for (const { record, info } of records) {
    const text = record[name] ?? '';
    if (isBlank(text)) {
      parsed.blank++;
      continue;
    }
    // `raw` runs from the end of the previous record (skipped empty lines included) to this one's line break.
    const extraLines = info.raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '').split('\n').length - 1;
    parsed.items.push({ line: info.lines - extraLines, text });
  }
  return parsed;
}
