// 10,000 random and mutated bodies against the real API and worker. Whatever arrives, the API answers
// 202 or a 4xx with the error shape (never a 5xx, never a stack trace), the worker never fails a job
// the API accepted, and both still serve a normal /predict afterwards.
// Replay a failure with the printed seed: FUZZ_SEED=<seed> npx vitest run test/fuzz.test.ts
import { gzipSync } from 'node:zlib';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/processes.js';
import { getJson, postJson, type Stack, startStack, TEST_REDIS_URL } from './support/stack.js';
import { seededRandom } from '../scripts/faults/lib/rng.js';

const REQUESTS = 10_000;
const CONCURRENCY = 16;
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));

let stack: Stack;
beforeAll(async () => {
  // No rate limit (it would answer most of 10,000 requests 429); no sync wait cut short on a busy box;
  // quiet logs (every 4xx is a warn line), whose piping would cost more than the requests themselves.
  stack = await startStack('fuzz', {
    apiEnv: { SYNC_TIMEOUT_MS: '60000', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'error' },
    workerEnv: { LOG_LEVEL: 'warn' },
  });
});
afterAll(async () => {
  await stack?.stop();
});


type Rng = ReturnType<typeof seededRandom>;

const WORDS = ['great', 'awful', 'film', 'boring', 'a joy', 'terrible acting', 'moving', 'meh', "'); DROP TABLE predictions;--", '<script>alert(1)</script>'];
const ODD = ['😀', '👨‍👩‍👧', '🇫🇷', 'هذا', 'שלום', '\u202e', '\u200b', '\u00a0', '\u3000', '\ufeff', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\ud800', '\udc00', '\u0000', '\t', '\n', ' ', 'é', 'e\u0301', '%00', '\\', '"'];

function randomText(r: Rng): string {
  if (r.chance(0.03)) return 'x'.repeat(4990 + r.int(20)); // around the 5,000-character limit
  let s = '';
  const n = 1 + r.int(8);
  for (let i = 0; i < n; i++) s += (r.chance(0.6) ? r.pick(WORDS) : r.pick(ODD)) + (r.chance(0.7) ? ' ' : '');
  return s;
}

function randomJson(r: Rng, depth = 0): unknown {
  const kinds = depth > 3 ? 4 : 7;
  switch (r.int(kinds)) {
    case 0:
      return r.pick([null, true, false]);
    case 1:
      return r.pick([0, -0, 1, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 5000, 10_001]);
    case 2:
    case 3:
      return randomText(r);
    case 4:
      return Array.from({ length: r.int(5) }, () => randomJson(r, depth + 1));
    default: {
      const obj: Record<string, unknown> = {};
      for (let i = r.int(4); i > 0; i--) obj[r.pick(['text', 'texts', 'Text', '__proto__', 'constructor', '', 'a'])] = randomJson(r, depth + 1);
      return obj;
    }
  }
}

function validBody(r: Rng, path: string): unknown {
  if (path.startsWith('/predict')) return { text: randomText(r) };
  return { texts: Array.from({ length: 1 + r.int(5) }, () => randomText(r)) };
}

const INSERTS = [
  '\u0000', '\\u0000', '\\ud800', '\\udfff', '\u0001', '\u001f', '1e999999', '-', '{', '[', ']', '}', '"', ',', ':', '\\', 'NaN', 'null',
  ',"text":"dup"', ',"texts":["dup"]', '\ud800', '9'.repeat(400),
];

function mutate(r: Rng, source: string): Buffer {
  let bytes = Buffer.from(source);
  for (let m = 1 + r.int(3); m > 0; m--) {
    const at = r.int(bytes.length + 1);
    switch (r.int(5)) {
      case 0: // flip a byte
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = r.int(256);
        break;
      case 1: // truncate
        bytes = bytes.subarray(0, at);
        break;
      case 2: // insert something awkward
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(r.pick(INSERTS)), bytes.subarray(at)]);
        break;
      case 3: // deep nesting where a value may go
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from('['.repeat(10_000) + ']'.repeat(r.chance(0.5) ? 10_000 : r.int(10_000))), bytes.subarray(at)]);
        break;
      default: // raw bytes that are not UTF-8
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0x80 + r.int(128), r.int(256)]), bytes.subarray(at)]);
    }
  }
  return bytes;
}

const TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=bogus',
  'application/json; charset=utf-7', 'application/json; charset="utf-8"', 'application/json;charset=UTF-8', 'application/json; charset=', 'application/json; charset=utf-32le',
  'APPLICATION/JSON', 'application/vnd.api+json', 'multipart/form-data; boundary=x', '',
];

interface FuzzCase {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

function fuzzCase(r: Rng): FuzzCase {
  // async=true: a body that happens to be valid is answered 202 at once instead of waiting on the model.
  const path = r.pick(['/predict?async=true', '/batch?async=true', '/jobs']);
  let body: Buffer;
  const kind = r.int(10);
  if (kind < 3) body = Buffer.from(JSON.stringify(validBody(r, path)));
  else if (kind < 6) body = Buffer.from(JSON.stringify(randomJson(r)) ?? '');
  else body = mutate(r, JSON.stringify(r.chance(0.7) ? validBody(r, path) : randomJson(r)) ?? '');
  const headers: Record<string, string> = {};
  if (r.chance(0.85)) headers['content-type'] = 'application/json';
  else {
    const type = r.pick(TYPES);
    if (type) headers['content-type'] = type;
  }
  if (r.chance(0.03)) {
    headers['content-encoding'] = 'gzip';
    if (r.chance(0.5)) body = gzipSync(body);
  }
  return { path, headers, body };
}

const LEAK = /\bat .+\(|\/work\/|node_modules|\.[jt]s:\d+|Error:/;

interface Offence {
  index: number;
  reason: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  answer: string;
}

async function runAll(cases: FuzzCase[]) {
  const offences: Offence[] = [];
  const statuses = new Map<string, number>();
  let next = 0;
  const check = async (index: number) => {
    const c = cases[index]!;
    const res = await fetch(`${stack.url}${c.path}`, { method: 'POST', headers: c.headers, body: c.body });
    const answer = await res.text();
    let reason = '';
    let code = '';
    try {
      const json = JSON.parse(answer);
      code = json?.error?.code ?? '';
      if (res.status >= 400 && (typeof json?.error?.code !== 'string' || typeof json?.error?.message !== 'string')) reason = 'no error shape';
    } catch {
      reason = 'answer is not JSON';
    }
    if (![202, 400, 413, 415].includes(res.status)) reason = `status ${res.status}`;
    if (LEAK.test(answer)) reason = 'answer leaks internals';
    const key = `${res.status} ${code}`.trim();
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    if (reason) {
      offences.push({ index, reason, path: c.path, headers: c.headers, body: JSON.stringify(c.body.toString('latin1').slice(0, 300)), status: res.status, answer: answer.slice(0, 300) });
    }
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) await check(next++);
    }),
  );
  return { offences, statuses };
}

const ANALYTICS = ['/analytics/summary', '/analytics/sentiment-distribution', '/analytics/recent', '/analytics/timeseries', '/analytics/latency', '/analytics/models'];
const PARAM_NAMES = ['from', 'to', 'limit', 'before', 'bucket', 'model_version', 'From', 'limit[]', 'x'];
const PARAM_VALUES = [
  '2024-05-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '1970-01-01T00:00:00+14:00',
  '-1', '0', '1', '1000', '1001', '1e3', '1.5', 'NaN', '', '%00', '%E0%A4%A', '%F0%9F%98%80', 'minute', 'hour', 'day', 'week',
  Buffer.from('2024-02-30T00:00:00.000000Z|00000000-0000-4000-8000-000000000000').toString('base64url'), Buffer.from('junk|junk').toString('base64url'),
  "x' OR '1'='1", 'a'.repeat(300),
];

/** A stack frame or a source path (the analytics answers hold prose like "at … (…)", so LEAK is too broad here). */
const STACK = /\bat [^\s()]+ \([^)]*:\d+:\d+\)|\/work\/|node_modules|\.[jt]s:\d+/;

function analyticsUrl(r: Rng): string {
  const params = Array.from({ length: r.int(4) }, () => `${encodeURIComponent(r.pick(PARAM_NAMES))}=${r.chance(0.8) ? encodeURIComponent(r.pick(PARAM_VALUES)) : r.pick(PARAM_VALUES)}`);
  return `${r.pick(ANALYTICS)}${params.length ? `?${params.join('&')}` : ''}`;
}

describe(`fuzzing the analytics query parameters (seed ${SEED})`, () => {
  it('answers 2,000 random queries with 200 or a shaped 400, never a 5xx', async () => {
    const r = seededRandom(SEED ^ 0x5bd1e995);
    const urls = Array.from({ length: 2000 }, () => analyticsUrl(r));
    const bad: string[] = [];
    const seen = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < urls.length) {
          const url = urls[next++]!;
          const res = await fetch(`${stack.url}${url}`);
          const answer = await res.text();
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          let shaped = true;
          try {
            const json = JSON.parse(answer);
            if (res.status >= 400) shaped = typeof json?.error?.code === 'string' && typeof json?.error?.message === 'string';
          } catch {
            shaped = false;
          }
          if (![200, 400].includes(res.status) || !shaped || STACK.test(answer)) bad.push(`${res.status} ${url} → ${answer.slice(0, 200)}`);
        }
      }),
    );
    console.log('analytics fuzz answers:', Object.fromEntries(seen));
    expect(bad, `seed ${SEED}:\n${bad.slice(0, 10).join('\n')}`).toEqual([]);
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.get(400)).toBeGreaterThan(0);
  }, 120_000);
});

describe(`fuzzing /predict, /batch and /jobs (seed ${SEED})`, () => {
  it(`answers ${REQUESTS} hostile bodies with 202 or a shaped 4xx, never a 5xx`, async () => {
    console.log(`fuzz seed: ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run test/fuzz.test.ts)`);
    const r = seededRandom(SEED);
    const cases = Array.from({ length: REQUESTS }, () => fuzzCase(r));
    const { offences, statuses } = await runAll(cases);
    console.log('fuzz answers:', Object.fromEntries([...statuses].sort()));
    const report = offences.slice(0, 20).map((o) => JSON.stringify(o)).join('\n');
    expect(offences.length, `seed ${SEED}: ${offences.length} bad answers, e.g.\n${report}\n${stack.logs()}`).toBe(0);
    // The mix really reached every path: accepted work, both kinds of 400, and 415.
    expect(statuses.get('202')).toBeGreaterThan(REQUESTS * 0.05);
    expect(statuses.get('400 invalid_json')).toBeGreaterThan(0);
    expect(statuses.get('400 validation_error')).toBeGreaterThan(0);
    expect(statuses.get('415 unsupported_media_type')).toBeGreaterThan(0);
  }, 300_000);

  it('the worker completed every job the API accepted: none failed', async () => {
    const queue = new Queue(stack.defaultQueue, { connection: { url: TEST_REDIS_URL }, prefix: stack.prefix });
    try {
      const counts = await waitFor(
        'the fuzz backlog to drain',
        async () => {
          const c = await queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed', 'completed', 'failed');
          return c.waiting + c.active + c.prioritized + c.delayed === 0 ? c : undefined;
        },
        { timeoutMs: 240_000, intervalMs: 500 },
      );
      expect(counts.completed).toBeGreaterThan(0);
      const failed = await queue.getFailed(0, 5);
      expect(counts.failed, failed.map((j) => `${j.id}: ${j.failedReason} ${JSON.stringify(j.data).slice(0, 300)}`).join('\n')).toBe(0);
    } finally {
      await queue.close();
    }
  }, 300_000);

  it('is still live: /health and a synchronous /predict answer 200', async () => {
    expect((await getJson(`${stack.url}/health`)).status).toBe(200);
    const { status, body } = await postJson(`${stack.url}/predict`, { text: 'a thoroughly awful, boring mess' });
    expect(status, stack.logs()).toBe(200);
    expect(body.sentiment).toBe('negative');
    for (const worker of stack.workers) expect(worker.child.exitCode, worker.output().slice(-3000)).toBeNull();
  });
});
