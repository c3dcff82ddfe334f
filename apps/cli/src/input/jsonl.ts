import { badInput } from '../exit-codes.js';
import { isBlank, splitLines, type ParsedInput } from './items.js';

/** JSON Lines: one object per line, the text in `field`; blank lines (and blank texts) skipped. */
export function parseJsonl(content: string, file: string, field: string): ParsedInput {
  const parsed: ParsedInput = { items: [], blank: 0 };
  splitLines(content).forEach((raw, i) => {
    const line = i + 1;
    if (isBlank(raw)) {
      parsed.blank++;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw badInput(`${file}:${line}: malformed JSON (${(err as Error).message})`);
    }
    const text = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[field] : undefined;
    if (typeof text !== 'string') {
      throw badInput(`${file}:${line}: expected an object with a string field "${field}" (choose the field with --field NAME)`);
    }
    if (isBlank(text)) parsed.blank++;
    else parsed.items.push({ line, text });
  });
  return parsed;
}
