// `sentiment` (apps/cli) against the real stack: big files in input order, a SIGKILLed run resumed
// without duplicate jobs, CSV and JSONL inputs, and the exit codes of bad files and a dead server.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { parse } from 'csv-parse/sync';
import { createClient } from '@sentiment/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from './support/cli.js';
import { waitFor } from './support/processes.js';
import { deleteIdempotencyKeys } from './support/redis-keys.js';
import { freePort, type Stack, startStack, TEST_REDIS_URL } from './support/stack.js';

let stack: Stack;
let queue: Queue;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  stack = await startStack('cli');
  queue = new Queue(stack.defaultQueue, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
  dir = await mkdtemp(path.join(os.tmpdir(), 'sentiment-cli-e2e-'));
  env = { SENTIMENT_URL: stack.url, SENTIMENT_STATE_DIR: path.join(dir, 'state') };
});
afterAll(async () => {
  await queue?.close();
  if (stack) await deleteIdempotencyKeys(stack.prefix);
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every job the API ever queued on this stack (results are kept, so completed ones count). */
const jobCount = () => queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');

const readJsonl = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { line: number; text: string; sentiment: string; id: string; confidence: number });

/** The stored rows of the predictions in `out`, by id: what Postgres holds for them. */
async function storedRows(ids: string[]) {
  const rows = await stack.sql<{ id: string; input_text: string; predicted_sentiment: string; job_id: string; item_index: number }>(
    'select id, input_text, predicted_sentiment, job_id, item_index from {schema}.predictions where id in (?)',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

async function fileWith(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

/** `count` texts, one per line, with a blank line after every 1,000th (line numbers must skip them). */
function textFile(count: number, tag: string) {
  const lines: string[] = [];
  const expected: { line: number; text: string }[] = [];
  for (let i = 0; i < count; i++) {
    const text = `${tag} ${i}: ${i % 2 === 0 ? 'a wonderful, moving film' : 'a dull, tedious waste of time'}`;
    lines.push(text);
    expected.push({ line: lines.length, text });
    if (i % 1000 === 999) lines.push('   ');
  }
  return { content: `${lines.join('\n')}\n`, expected };
}

describe('sentiment submit FILE', () => {
  it('classifies a 20,000-line file in two jobs, writes every result in input order, and stores every row', async () => {
    const { content, expected } = textFile(20_000, 'big');
    const input = await fileWith('big.txt', content);
    const out = path.join(dir, 'big.jsonl');
    const before = await jobCount();

    const { code, stderr } = await runCli(['submit', input, '--out', out], env);
    expect(code, `${stderr}\n${stack.logs()}`).toBe(0);
    expect(stderr).toMatch(/20000 texts from .*big\.txt \(20 blank skipped\) in 2 jobs/);
    expect(stderr).toMatch(/progress: 20000\/20000 texts \(100%\)/); // not a TTY: plain progress lines

    const results = await readJsonl(out);
    expect(results).toHaveLength(20_000);
    expect(results.map(({ line, text }) => ({ line, text }))).toEqual(expected);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(await jobCount()).toBe(before + 2);

    const rows = await storedRows(results.map((r) => r.id));
    expect(rows.size).toBe(20_000);
    for (const r of results) {
      const row = rows.get(r.id)!;
      expect(row.input_text).toBe(r.text);
      expect(row.predicted_sentiment).toBe(r.sentiment);
    }
  });

  it('resumes after the CLI is SIGKILLed mid-run: no job is queued twice, every text is stored once', async () => {
    const { content, expected } = textFile(20_000, 'resume');
    const input = await fileWith('resume.txt', content);
    const out = path.join(dir, 'resume.jsonl');
    const args = ['submit', input, '--out', out, '--chunk-size', '2000', '--max-in-flight', '2'];
    const before = await jobCount();

    const first = startCli(args, env);
    const id = await waitFor('the submission id', async () => /submission ([0-9a-f]{16})/.exec(first.stderr())?.[1], { timeoutMs: 30_000, intervalMs: 20 });
    const stateFile = path.join(env.SENTIMENT_STATE_DIR!, `${id}.json`);
    // Kill once some, not all, of the 10 chunks are queued.
    await waitFor('3 queued chunks', async () => {
      const state = JSON.parse(await readFile(stateFile, 'utf8')) as { chunks: { jobId?: string }[] };
      return state.chunks.filter((c) => c.jobId).length >= 3;
    }, { timeoutMs: 60_000, intervalMs: 10 });
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const interrupted = JSON.parse(await readFile(stateFile, 'utf8')) as { completed_at?: string; chunks: { jobId?: string }[] };
    expect(interrupted.completed_at).toBeUndefined();
    expect(existsSync(out)).toBe(false); // only <out>.partial was being written

    // `status` reads the state file: 10 chunks, the queued ones with their jobs.
    const status = await runCli(['status', id], env);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as { jobs: { status: string }[]; progress: { total: number } };
    expect(report.progress.total).toBe(20_000);
    expect(report.jobs).toHaveLength(10);
    expect(report.jobs.filter((j) => j.status === 'not submitted').length).toBeGreaterThan(0);

    // `wait ID` resumes the submission from its state file.
    const resumed = await runCli(['wait', id], env);
    expect(resumed.code, `${resumed.stderr}\n${stack.logs()}`).toBe(0);
    expect(resumed.stderr).toMatch(/resuming \(\d+ already queued\)/);

    // Running `submit` once more finds everything done: the same jobs, no new ones.
    const again = await runCli(args, env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming \(10 already queued\)/);

    expect(await jobCount()).toBe(before + 10);
    const results = await readJsonl(out);
    expect(results.map(({ line, text }) => ({ line, text }))).toEqual(expected);
    const rows = await storedRows(results.map((r) => r.id));
    expect(rows.size).toBe(20_000);
    const jobIds = new Set([...rows.values()].map((r) => r.job_id));
    expect(jobIds.size).toBe(10);
    const [stored] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.predictions where job_id in (?)', [[...jobIds]]);
    expect(Number(stored!.n)).toBe(20_000);
  });

  it('reads a CSV column (quoted commas, line breaks, blank cells) and writes CSV in input order', async () => {
    const texts = Array.from({ length: 250 }, (_, i) => (i % 50 === 7 ? `multi-line\nreview ${i}, "quoted"` : `review ${i}, ${i % 2 ? 'dull' : 'superb'}`));
    const csvRows = texts.map((t, i) => `${i},"${t.replaceAll('"', '""')}",${i % 5}`);
    csvRows.splice(100, 0, '999,  ,0'); // a blank cell: skipped
    const input = await fileWith('reviews.csv', `id,review,stars\n${csvRows.join('\n')}\n`);
    const out = path.join(dir, 'reviews.out.csv');

    const { code, stderr } = await runCli(['submit', input, '--column', 'review', '--chunk-size', '100', '--out', out], env);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/250 texts .* \(1 blank skipped\) in 3 jobs/);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.text)).toEqual(texts);
    expect(Object.keys(rows[0]!)).toEqual(['line', 'text', 'sentiment', 'confidence', 'model_version', 'id', 'latency_ms', 'cache_hit']);
    expect(rows[0]!.line).toBe('2');
    expect(['true', 'false']).toContain(rows[0]!.cache_hit);
    expect((await storedRows(rows.map((r) => r.id!))).size).toBe(250);
  });

  it('reads a JSONL field and writes JSON Lines to stdout', async () => {
    const input = await fileWith('in.jsonl', '{"body":"an absolute joy to watch","n":1}\n\n{"body":"a thoroughly awful, boring mess"}\n');
    const { code, stdout, stderr } = await runCli(['submit', input, '--field', 'body'], env);
    expect(code, stderr).toBe(0);
    const results = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => [r.line, r.text, r.sentiment])).toEqual([
      [1, 'an absolute joy to watch', 'positive'],
      [3, 'a thoroughly awful, boring mess', 'negative'],
    ]);
  });

  it('a bad file exits 3 with the line at fault, and queues nothing', async () => {
    const before = await jobCount();
    const input = await fileWith('broken.jsonl', '{"text":"fine"}\n{"text":"also fine"}\n{"text" "missing colon"}\n');
    const { code, stderr } = await runCli(['submit', input], env);
    expect(code).toBe(3);
    expect(stderr).toMatch(/broken\.jsonl:3: malformed JSON/);
    expect(await jobCount()).toBe(before);
  });

  it('an unreachable server exits 4 and says where it looked', async () => {
    const port = await freePort();
    const input = await fileWith('ok.txt', 'fine\n');
    const { code, stderr } = await runCli(['submit', input], { ...env, SENTIMENT_URL: `http://127.0.0.1:${port}` });
    expect(code).toBe(4);
    expect(stderr).toContain(`cannot reach http://127.0.0.1:${port}/jobs: connection refused`);
  });
});

describe('sentiment predict, wait JOB_ID, status JOB_ID', () => {
  it('predict prints one JSON prediction per text', async () => {
    const { code, stdout, stderr } = await runCli(['predict', 'an absolute joy to watch', 'a thoroughly awful, boring mess'], env);
    expect(code, stderr).toBe(0);
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l).sentiment)).toEqual(['positive', 'negative']);
  });

  it('wait writes a job’s predictions; status prints it without the result; an unknown job is an API error (5)', async () => {
    const client = createClient({ baseUrl: stack.url });
    const job = await client.submit(['great fun', 'terrible acting', 'a masterpiece']);
    const out = path.join(dir, 'job.csv');
    const waited = await runCli(['wait', job.job_id, '--out', out], env);
    expect(waited.code, waited.stderr).toBe(0);
    const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.index)).toEqual(['0', '1', '2']);

    const status = await runCli(['status', job.job_id], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ job_id: job.job_id, status: 'completed', progress: { done: 3, total: 3 }, predictions: 3 });
    expect(JSON.parse(status.stdout)).not.toHaveProperty('result');

    const unknown = await runCli(['status', '00000000-0000-4000-8000-000000000000'], env);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toMatch(/the API answered 404 not_found/);
  });
});
