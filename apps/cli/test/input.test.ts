// Reading input files: formats, blank lines, line numbers, and the errors a user sees for bad files.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../src/exit-codes.js';
import { inputFormatOf } from '../src/input/format.js';
import { readInput, type InputOptions } from '../src/input/read.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sentiment-cli-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

const text: InputOptions = { format: 'text', field: 'text' };
const csv = (column?: string): InputOptions => ({ format: 'csv', column, field: 'text' });
const jsonl = (field = 'text'): InputOptions => ({ format: 'jsonl', field });

/** The CliError readInput throws, to assert its exit code and message. */
async function failure(file: string, options: InputOptions): Promise<CliError> {
  const err = await readInput(file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

describe('plain text', () => {
  it('one text per line; blank and whitespace-only lines skipped and counted; line numbers kept', async () => {
    const file = await fileWith('a.txt', '\ufefffirst\r\n\n   \nsecond line\n\tthird\n');
    const input = await readInput(file, text);
    expect(input.items).toEqual([
      { line: 1, text: 'first' },
      { line: 4, text: 'second line' },
      { line: 5, text: '\tthird' },
    ]);
    expect(input.blank).toBe(2);
    expect(input.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a last line without a line break is read; texts are kept exactly as written', async () => {
    const input = await readInput(await fileWith('b.txt', 'x\n  padded, "quoted", émoji 🎉  '), text);
    expect(input.items.map((i) => i.text)).toEqual(['x', '  padded, "quoted", émoji 🎉  ']);
  });

  it('an empty file and a file of blank lines are bad input', async () => {
    const empty = await failure(await fileWith('empty.txt', ''), text);
    expect(empty.exitCode).toBe(ExitCode.badInput);
    expect(empty.message).toMatch(/empty\.txt is empty/);
    expect((await failure(await fileWith('blank.txt', '\n  \n\n'), text)).message).toMatch(/no texts \(only 3 blank lines\)/);
  });

  it('texts the API would refuse are reported with their line numbers before anything is sent', async () => {
    const file = await fileWith('bad.txt', `ok\n${'x'.repeat(5001)}\nfine\nnul\u0000here\n`);
    const err = await failure(file, text);
    expect(err.exitCode).toBe(ExitCode.badInput);
    expect(err.message).toContain('bad.txt:2: text longer than 5000 characters');
    expect(err.message).toContain('bad.txt:4: text contains a NUL character');
  });

  it('missing files, directories and non-UTF-8 bytes are bad input with a clear message', async () => {
    expect((await failure(path.join(dir, 'nope.txt'), text)).message).toMatch(/nope\.txt: no such file/);
    const sub = path.join(dir, 'sub.txt');
    await mkdir(sub);
    expect((await failure(sub, text)).message).toMatch(/is a directory/);
    expect((await failure(await fileWith('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])), text)).message).toMatch(/not UTF-8/);
  });
});

describe('CSV', () => {
  it('reads the named column; a quoted field may hold commas, quotes and line breaks; line = where the record starts', async () => {
    const file = await fileWith('r.csv', 'id,review,stars\n1,"Loved it, really",5\n\n2,"He said ""meh""\nand left",2\n3,  ,1\n4,plain,4\n');
    const input = await readInput(file, csv('review'));
    expect(input.items).toEqual([
      { line: 2, text: 'Loved it, really' },
      { line: 4, text: 'He said "meh"\nand left' },
      { line: 7, text: 'plain' },
    ]);
    expect(input.blank).toBe(1); // the record with a blank review; the empty line is no record at all
  });

  it('without --column: the only column, or the one named "text"', async () => {
    expect((await readInput(await fileWith('one.csv', 'comment\nnice\n'), csv())).items).toEqual([{ line: 2, text: 'nice' }]);
    expect((await readInput(await fileWith('two.csv', 'id,text\n1,nice\n'), csv())).items).toEqual([{ line: 2, text: 'nice' }]);
    const ambiguous = await failure(await fileWith('amb.csv', 'id,review\n1,nice\n'), csv());
    expect(ambiguous.message).toMatch(/has columns "id", "review": choose one with --column NAME/);
  });

  it('an unknown column names the columns there are', async () => {
    const err = await failure(await fileWith('c.csv', 'id,review\n1,nice\n'), csv('body'));
    expect(err.exitCode).toBe(ExitCode.badInput);
    expect(err.message).toMatch(/has no column "body"; its columns are "id", "review"/);
  });

  it('malformed CSV (a ragged row, an unclosed quote) is bad input naming the line', async () => {
    expect((await failure(await fileWith('ragged.csv', 'id,text\n1,ok\n2,too,many\n'), csv())).message).toMatch(/not valid CSV: .*line 3/);
    expect((await failure(await fileWith('quote.csv', 'id,text\n1,"unclosed\n'), csv())).message).toMatch(/not valid CSV: Quote Not Closed/);
  });

  it('an empty file has no header; a header alone has no texts', async () => {
    expect((await failure(await fileWith('e.csv', ''), csv())).message).toMatch(/needs a header row/);
    expect((await failure(await fileWith('h.csv', 'id,text\n'), csv())).message).toMatch(/h\.csv is empty/);
  });
});

describe('JSON Lines', () => {
  it('reads `text` (or --field) of each object; blank lines and blank texts skipped', async () => {
    const file = await fileWith('r.jsonl', '{"text":"good"}\n\n{"text":"  "}\n{"body":"x","text":"bad \\"one\\""}\n');
    const input = await readInput(file, jsonl());
    expect(input.items).toEqual([
      { line: 1, text: 'good' },
      { line: 4, text: 'bad "one"' },
    ]);
    expect(input.blank).toBe(2);
    const byField = await readInput(await fileWith('f.jsonl', '{"body":"hello"}\n'), jsonl('body'));
    expect(byField.items).toEqual([{ line: 1, text: 'hello' }]);
  });

  it('a malformed line is reported with its line number', async () => {
    const err = await failure(await fileWith('m.jsonl', '{"text":"ok"}\n{"text":"ok"}\n{"text": oops}\n'), jsonl());
    expect(err.exitCode).toBe(ExitCode.badInput);
    expect(err.message).toMatch(/m\.jsonl:3: malformed JSON/);
  });

  it('a line without the field (or with a non-string) names the line and the field', async () => {
    const err = await failure(await fileWith('n.jsonl', '{"text":"ok"}\n{"review":"x"}\n'), jsonl());
    expect(err.message).toMatch(/n\.jsonl:2: expected an object with a string field "text" \(choose the field with --field NAME\)/);
    expect((await failure(await fileWith('num.jsonl', '{"text":5}\n'), jsonl())).message).toMatch(/num\.jsonl:1:/);
    expect((await failure(await fileWith('arr.jsonl', '["text"]\n'), jsonl())).message).toMatch(/arr\.jsonl:1:/);
  });
});

describe('format', () => {
  it('comes from the extension unless --format says otherwise; unknown extensions need --format', () => {
    expect(inputFormatOf('a.csv')).toBe('csv');
    expect(inputFormatOf('a.JSONL')).toBe('jsonl');
    expect(inputFormatOf('a.ndjson')).toBe('jsonl');
    expect(inputFormatOf('notes.txt')).toBe('text');
    expect(inputFormatOf('README')).toBe('text');
    expect(inputFormatOf('data.json', 'jsonl')).toBe('jsonl');
    expect(() => inputFormatOf('data.json')).toThrow(/pass --format text, csv or jsonl/);
  });
});
