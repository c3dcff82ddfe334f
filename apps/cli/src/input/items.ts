/** One text of the input file and where it came from (1-based line, as an editor shows it). */
export interface InputItem {
  line: number;
  text: string;
}

export interface ParsedInput {
  items: InputItem[];
  /** Lines or records skipped because their text is empty or whitespace only (the API refuses those). */
  blank: number;
}

/** As the API judges it (JavaScript's trim()), so nothing skipped here would have been accepted there. */
export const isBlank = (text: string) => text.trim().length === 0;

/** The file's lines without their line breaks (\n or \r\n); a final line break adds no empty line. */
export function splitLines(content: string): string[] {
  const lines = content.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
