// Input texts encrypted at rest, end to end: the worker seals them with INPUT_TEXT_KEYS, Postgres never
// holds the plaintext, `npm run texts` shows them to an operator with the keys and erases them on request.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from './support/processes.js';
import { postJson, startStack, TEST_DATABASE_URL, type Stack } from './support/stack.js';

const exec = promisify(execFile);
const KEYS = `t1:${randomBytes(32).toString('base64')}`;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack('encrypt', { workerEnv: { INPUT_TEXT_KEYS: KEYS } });
});
afterAll(async () => {
  await stack?.stop();
});

const texts = (command: 'show' | 'erase', jobId: string, env: Record<string, string> = {}) =>
  exec('npm', ['run', '--silent', 'texts', '--', command, jobId], {
    env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: stack.schema, ...env },
  });

it('stores only ciphertext, shows the texts to an operator with the keys, and erases them keeping the rows', async () => {
  const secret = `my passport number is X${randomBytes(4).toString('hex')} and the visa was refused`;
  const res = await postJson(`${stack.url}/jobs`, { texts: [secret, 'second item'] });
  expect(res.status, stack.logs()).toBe(202);
  const jobId: string = res.body.job_id;
  const rows = await waitFor('the rows', async () => {
    const r = await stack.sql<{ input_text: string }>('select input_text from {schema}.predictions where job_id = ? order by item_index', [jobId]);
    return r.length === 2 ? r : undefined;
  });
  expect(rows.every((r) => r.input_text.startsWith('enc1.t1.'))).toBe(true);
  expect(JSON.stringify(rows)).not.toContain('passport');

  const shown = await texts('show', jobId, { INPUT_TEXT_KEYS: KEYS });
  expect(shown.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
    { item_index: 0, text: secret },
    { item_index: 1, text: 'second item' },
  ]);
  await expect(texts('show', jobId)).rejects.toMatchObject({ stderr: expect.stringMatching(/encrypted: give the keys/) });

  await texts('erase', jobId);
  const after = await stack.sql<{ input_text: string | null }>('select input_text from {schema}.predictions where job_id = ?', [jobId]);
  expect(after).toEqual([{ input_text: null }, { input_text: null }]);
});
