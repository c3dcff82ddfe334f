// The command line as a user meets it, in process: exit codes and messages for usage errors, bad
// files and an unreachable server (the real binary and a real API: test/cli.test.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { run } from '../src/program.js';

let dir: string;
/** A port nothing listens on: connections are refused at once. */
let closedPort: number;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sentiment-cli-program-'));
  closedPort = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `sentiment ...args`, returning the exit code and what went to stderr and stdout. */
async function sentiment(...args: string[]) {
  let stderr = '';
  let stdout = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  try {
    const code = await run(['node', 'sentiment', '--state-dir', dir, '--url', `http://127.0.0.1:${closedPort}`, ...args], new AbortController().signal);
    return { code, stderr, stdout };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

async function fileWith(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

describe('usage errors exit 2', () => {
  it.each([
    [['submit'], /missing required argument 'file'/],
    [['submit', 'x.txt', '--bogus'], /unknown option '--bogus'/],
    [['submit', 'x.txt', '--chunk-size', '10001'], /expected an integer from 1 to 10000/],
    [['submit', 'x.txt', '--format', 'xml'], /Allowed choices are text, csv, jsonl/],
    [['submit', 'data.json'], /pass --format text, csv or jsonl/],
    [['submit', 'x.txt', '--column', 'text'], /--column applies to CSV input only/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['status', 'not-an-id'], /neither a submission id .* nor a job id/],
    [['wait', '0123456789abcdef'], /no submission 0123456789abcdef in/],
    [['--url', 'ftp://example.com', 'predict', 'hi'], /--url \/ SENTIMENT_URL: expected an http\(s\) URL/],
  ])('sentiment %j', async (args, message) => {
    const { code, stderr } = await sentiment(...args);
    expect(stderr).toMatch(message);
    expect(code).toBe(ExitCode.usage);
  });

  it('--help exits 0 and documents the exit codes', async () => {
    const { code, stdout } = await sentiment('--help');
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toMatch(/Exit codes:[\s\S]*4 +API unreachable/);
  });
});

describe('bad input exits 3 before anything is sent', () => {
  it('a missing file', async () => {
    const { code, stderr } = await sentiment('submit', path.join(dir, 'missing.txt'));
    expect(stderr).toMatch(/missing\.txt: no such file/);
    expect(code).toBe(ExitCode.badInput);
  });

  it('an empty file', async () => {
    const { code, stderr } = await sentiment('submit', await fileWith('empty.txt', ''));
    expect(stderr).toMatch(/empty\.txt is empty/);
    expect(code).toBe(ExitCode.badInput);
  });

  it('an unknown CSV column', async () => {
    const { code, stderr } = await sentiment('submit', await fileWith('r.csv', 'id,review\n1,good\n'), '--column', 'body');
    expect(stderr).toMatch(/has no column "body"; its columns are "id", "review"/);
    expect(code).toBe(ExitCode.badInput);
  });

  it('a blank predict argument (checked before the API is called: the server here is down)', async () => {
    const { code, stderr } = await sentiment('predict', 'fine', '   ');
    expect(stderr).toMatch(/text 2: text is empty or whitespace only/);
    expect(code).toBe(ExitCode.badInput);
  });

  it('a malformed JSONL line, by number', async () => {
    const { code, stderr } = await sentiment('submit', await fileWith('r.jsonl', '{"text":"a"}\n\n{"text":\n'));
    expect(stderr).toMatch(/r\.jsonl:3: malformed JSON/);
    expect(code).toBe(ExitCode.badInput);
  });
});

describe('an unreachable API exits 4', () => {
  it('predict says which address failed and how to point elsewhere', async () => {
    const { code, stderr } = await sentiment('predict', 'hello');
    expect(stderr).toContain(`cannot reach http://127.0.0.1:${closedPort}/predict: connection refused`);
    expect(stderr).toMatch(/--url or SENTIMENT_URL/);
    expect(code).toBe(ExitCode.unreachable);
  });

  it('submit of a good file', async () => {
    const { code, stderr } = await sentiment('--quiet', 'submit', await fileWith('ok.txt', 'fine\n'));
    expect(stderr).toMatch(/cannot reach .*\/jobs: connection refused/);
    expect(code).toBe(ExitCode.unreachable);
  });
});
