import { isBlank, splitLines, type ParsedInput } from './items.js';

/** Plain text: one text per line, blank lines skipped (and counted); line numbers kept. */
export function parseTextLines(content: string): ParsedInput {
  const parsed: ParsedInput = { items: [], blank: 0 };
  splitLines(content).forEach((text, i) => {
    if (isBlank(text)) parsed.blank++;
    else parsed.items.push({ line: i + 1, text });
  });
  return parsed;
}
