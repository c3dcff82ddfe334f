// Hostile and malformed input against the real API, worker and Postgres: every bad request gets its
// documented 4xx with the error shape (never a 5xx, never a stack trace); odd but legal texts are
// classified and stored exactly as sent.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startStack, type Stack } from './support/stack.js';

let stack: Stack;
/** A second API on the same stack with a small BODY_LIMIT, for the 413 cases. */
let smallApiUrl: string;

beforeAll(async () => {
  // A generous sync timeout: on a busy 2-core box a 200 must not turn into a 202. No rate limit: it is not under test here.
  stack = await startStack('badinput', { apiEnv: { SYNC_TIMEOUT_MS: '30000', RATE_LIMIT_PER_MINUTE: '0' } });
  smallApiUrl = (await stack.startApi({ BODY_LIMIT: '64kb' })).url;
});
afterAll(async () => {
  await stack?.stop();
});

interface Case {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  /** A value is sent as JSON; a string or bytes are sent raw. */
  body?: unknown;
  raw?: string | Uint8Array;
  /** Content-Type header; `null` sends none. Defaults to application/json when there is a body. */
  type?: string | null;
  headers?: Record<string, string>;
  /** Send to the API started with BODY_LIMIT=64kb. */
  smallApi?: boolean;
  status: number;
  code?: string;
  /** For 200s from /predict or /batch: the input_text each stored row must hold. */
  stored?: string[];
}

const J = 'application/json';
const many = (n: number, text = 'fine') => Array.from({ length: n }, (_, i) => `${text} ${i}`);
const long = (n: number) => 'a'.repeat(n);
const deepArrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
const SQL_INJECTION = "'); DROP TABLE predictions;--";
const HTML_INJECTION = '<script>alert(1)</script>';
const CONTROL = 'bell\u0007 backspace\u0008 escape\u001b[31m red\u001b[0m del\u007f vt\u000b ff\u000c c1\u0085\u009b';
const EMOJI = 'What a film 😀🎬👍🏽 — 10/10 🇫🇷 👨‍👩‍👧';
const RTL = 'هذا فيلم رائع جدا \u202eevil override\u202c שלום';
const ZALGO = 'g̷̡̛̗o̸͇͝o̴̰͐d̶̩̈́ f̴̱̿i̸̳͑l̴̦̾m̸̟̅';

const cases: Case[] = [
  // --- not JSON at all ---
  { name: 'truncated JSON', path: '/predict', raw: '{"text":"a"', status: 400, code: 'invalid_json' },
  { name: 'trailing comma', path: '/predict', raw: '{"text":"a",}', status: 400, code: 'invalid_json' },
  { name: 'single quotes', path: '/predict', raw: "{'text':'a'}", status: 400, code: 'invalid_json' },
  { name: 'NaN', path: '/predict', raw: '{"text":NaN}', status: 400, code: 'invalid_json' },
  { name: 'bare word', path: '/predict', raw: 'hello', status: 400, code: 'invalid_json' },
  { name: 'trailing garbage after the object', path: '/predict', raw: '{"text":"a"}}', status: 400, code: 'invalid_json' },
  { name: 'unterminated string', path: '/predict', raw: '{"text":"abc', status: 400, code: 'invalid_json' },
  { name: 'invalid escape', path: '/predict', raw: '{"text":"\\x41"}', status: 400, code: 'invalid_json' },
  { name: 'raw tab inside a string (JSON requires \\t)', path: '/predict', raw: '{"text":"a\tb"}', status: 400, code: 'invalid_json' },
  { name: 'duplicate key', path: '/predict', raw: '{"text":"a","text":"b"}', status: 400, code: 'invalid_json' },
  { name: 'duplicate key spelled with an escape', path: '/predict', raw: '{"text":"a","t\\u0065xt":"b"}', status: 400, code: 'invalid_json' },
  { name: 'duplicate key in /batch', path: '/batch', raw: '{"texts":["a"],"texts":["b"]}', status: 400, code: 'invalid_json' },
  { name: '10,000 nested arrays', path: '/predict', raw: deepArrays(10_000), status: 400, code: 'invalid_json' },
  { name: '10,000 nested arrays as texts', path: '/jobs', raw: `{"texts":${deepArrays(10_000)}}`, status: 400, code: 'invalid_json' },
  { name: 'invalid JSON to /batch', path: '/batch', raw: '{"texts":["a",]}', status: 400, code: 'invalid_json' },
  { name: 'invalid JSON to /jobs', path: '/jobs', raw: '{"texts":["a"', status: 400, code: 'invalid_json' },
  { name: 'bytes that are not UTF-8', path: '/predict', raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), status: 400, code: 'invalid_json' },

  // --- content type and encoding ---
  { name: 'text/plain', path: '/predict', raw: '{"text":"a"}', type: 'text/plain', status: 415, code: 'unsupported_media_type' },
  { name: 'form-urlencoded', path: '/predict', raw: 'text=hello', type: 'application/x-www-form-urlencoded', status: 415, code: 'unsupported_media_type' },
  { name: 'no content type', path: '/predict', raw: new TextEncoder().encode('{"text":"a"}'), type: null, status: 415, code: 'unsupported_media_type' },
  { name: 'multipart form', path: '/batch', raw: '--x\r\n\r\nhi\r\n--x--', type: 'multipart/form-data; boundary=x', status: 415, code: 'unsupported_media_type' },
  { name: 'unknown charset', path: '/predict', raw: '{"text":"a"}', type: `${J}; charset=klingon`, status: 415, code: 'unsupported_media_type' },
  { name: 'charset=utf-7 (would decode +ADw-script+AD4- into <script>)', path: '/predict', raw: '{"text":"+ADw-script+AD4-"}', type: `${J}; charset=utf-7`, status: 415, code: 'unsupported_media_type' },
  { name: 'charset=iso-8859-1', path: '/predict', raw: '{"text":"caf\u00e9"}', type: `${J}; charset=iso-8859-1`, status: 415, code: 'unsupported_media_type' },
  { name: 'charset=UTF-8 in capitals is fine', path: '/predict?async=true', raw: '{"text":"fine"}', type: `${J}; charset=UTF-8`, status: 202 },
  { name: 'unknown content encoding', path: '/predict', raw: '{"text":"a"}', headers: { 'content-encoding': 'compress' }, status: 415, code: 'unsupported_media_type' },
  { name: 'gzip header on a body that is not gzip', path: '/predict', raw: '{"text":"a"}', headers: { 'content-encoding': 'gzip' }, status: 400, code: 'bad_request' },
  { name: 'gzip body that is truncated', path: '/predict', raw: gzipSync('{"text":"a"}').subarray(0, 12), headers: { 'content-encoding': 'gzip' }, status: 400, code: 'bad_request' },

  // --- missing, null, wrong shape ---
  { name: 'empty body', path: '/predict', raw: '', status: 400, code: 'validation_error' },
  { name: 'empty object', path: '/predict', body: {}, status: 400, code: 'validation_error' },
  { name: 'null body', path: '/predict', raw: 'null', status: 400, code: 'validation_error' },
  { name: 'a bare string body', path: '/predict', raw: '"great film"', status: 400, code: 'validation_error' },
  { name: 'an array body', path: '/batch', raw: '["great film"]', status: 400, code: 'validation_error' },
  { name: 'text is null', path: '/predict', body: { text: null }, status: 400, code: 'validation_error' },
  { name: 'text is a number', path: '/predict', body: { text: 42 }, status: 400, code: 'validation_error' },
  { name: 'text is a huge number', path: '/predict', raw: '{"text":1e999}', status: 400, code: 'validation_error' },
  { name: 'text is an object', path: '/predict', body: { text: { text: 'nested' } }, status: 400, code: 'validation_error' },
  { name: 'text is an array', path: '/predict', body: { text: ['a', 'b'] }, status: 400, code: 'validation_error' },
  { name: 'text is a boolean', path: '/predict', body: { text: true }, status: 400, code: 'validation_error' },
  { name: '__proto__ smuggling', path: '/predict', raw: '{"__proto__":{"text":"sneaky"}}', status: 400, code: 'validation_error' },
  { name: 'texts missing', path: '/batch', body: { text: 'a' }, status: 400, code: 'validation_error' },
  { name: 'texts is a string', path: '/batch', body: { texts: 'a' }, status: 400, code: 'validation_error' },
  { name: 'texts is an object', path: '/batch', body: { texts: { 0: 'a' } }, status: 400, code: 'validation_error' },
  { name: 'texts of numbers', path: '/batch', body: { texts: [1, 2, 3] }, status: 400, code: 'validation_error' },
  { name: 'texts with a null', path: '/batch', body: { texts: ['a', null] }, status: 400, code: 'validation_error' },
  { name: 'texts is empty', path: '/batch', body: { texts: [] }, status: 400, code: 'validation_error' },
  { name: '/jobs texts is a string', path: '/jobs', body: { texts: 'a' }, status: 400, code: 'validation_error' },
  { name: '/jobs texts is empty', path: '/jobs', body: { texts: [] }, status: 400, code: 'validation_error' },

  // --- empty and whitespace-only texts (JavaScript's trim: Unicode White_Space plus the BOM) ---
  { name: 'empty text', path: '/predict', body: { text: '' }, status: 400, code: 'validation_error' },
  { name: 'spaces only', path: '/predict', body: { text: '     ' }, status: 400, code: 'validation_error' },
  { name: 'tabs and newlines only', path: '/predict', body: { text: '\t\n\r\n\t ' }, status: 400, code: 'validation_error' },
  { name: 'NBSP only', path: '/predict', body: { text: '\u00a0\u00a0' }, status: 400, code: 'validation_error' },
  { name: 'ideographic space only', path: '/predict', body: { text: '\u3000' }, status: 400, code: 'validation_error' },
  { name: 'BOM and line separator only', path: '/predict', body: { text: '\ufeff\u2028' }, status: 400, code: 'validation_error' },
  { name: 'one blank text in a batch', path: '/batch', body: { texts: ['good', '  ', 'bad'] }, status: 400, code: 'validation_error' },
  { name: 'one blank text in a job', path: '/jobs', body: { texts: ['good', '\u3000'] }, status: 400, code: 'validation_error' },
  // Zero-width space is not White_Space: it is a (strange) text and is classified.
  { name: 'zero-width space is a text', path: '/predict', body: { text: '\u200b' }, status: 200, stored: ['\u200b'] },

  // --- length, in Unicode code points (an emoji is one character, not two UTF-16 units) ---
  { name: '5,001 characters', path: '/predict', body: { text: long(5001) }, status: 400, code: 'validation_error' },
  { name: 'exactly 5,000 characters', path: '/predict', body: { text: long(5000) }, status: 200, stored: [long(5000)] },
  { name: '5,001 characters in a batch', path: '/batch', body: { texts: ['ok', long(5001)] }, status: 400, code: 'validation_error' },
  { name: '5,001 emoji', path: '/predict', body: { text: '😀'.repeat(5001) }, status: 400, code: 'validation_error' },
  { name: 'exactly 5,000 emoji', path: '/predict', body: { text: '😀'.repeat(5000) }, status: 200, stored: ['😀'.repeat(5000)] },

  // --- NUL, control characters, surrogates ---
  { name: 'NUL character', path: '/predict', body: { text: 'a\u0000b' }, status: 400, code: 'validation_error' },
  { name: 'NUL character in a job', path: '/jobs', body: { texts: ['fine', '\u0000'] }, status: 400, code: 'validation_error' },
  { name: 'other control characters are kept', path: '/predict', body: { text: CONTROL }, status: 200, stored: [CONTROL] },
  // Lone surrogates cannot exist in UTF-8: the row holds U+FFFD in their place.
  { name: 'lone high surrogate', path: '/predict', raw: '{"text":"\\ud800"}', status: 200, stored: ['\ufffd'] },
  { name: 'lone low surrogate mid-text', path: '/batch', raw: '{"texts":["good \\udc00 film","ok"]}', status: 200, stored: ['good \ufffd film', 'ok'] },
  { name: 'reversed surrogate pair', path: '/predict', raw: '{"text":"x\\ude00\\ud83d"}', status: 200, stored: ['x\ufffd\ufffd'] },

  // --- legal but hostile texts: classified and stored verbatim ---
  { name: '4-byte emoji and ZWJ sequences', path: '/predict', body: { text: EMOJI }, status: 200, stored: [EMOJI] },
  { name: 'right-to-left text with an override', path: '/predict', body: { text: RTL }, status: 200, stored: [RTL] },
  { name: 'SQL injection', path: '/predict', body: { text: SQL_INJECTION }, status: 200, stored: [SQL_INJECTION] },
  { name: 'HTML injection', path: '/batch', body: { texts: [HTML_INJECTION, SQL_INJECTION] }, status: 200, stored: [HTML_INJECTION, SQL_INJECTION] },
  { name: 'combining marks', path: '/predict', body: { text: ZALGO }, status: 200, stored: [ZALGO] },
  { name: 'JSON-looking text', path: '/predict', body: { text: '{"text":"\\u0000"}' }, status: 200, stored: ['{"text":"\\u0000"}'] },

  // --- too many texts, too large bodies ---
  { name: '101 texts to /batch', path: '/batch', body: { texts: many(101) }, status: 400, code: 'validation_error' },
  { name: '10,001 texts to /jobs', path: '/jobs', body: { texts: many(10_001) }, status: 400, code: 'validation_error' },
  { name: 'body over BODY_LIMIT (64kb)', path: '/jobs', body: { texts: many(20, long(4000)) }, smallApi: true, status: 413, code: 'payload_too_large' },
  { name: 'gzip bomb past BODY_LIMIT (64kb)', path: '/predict', raw: gzipSync(`{"text":"${long(1_000_000)}"}`), headers: { 'content-encoding': 'gzip' }, smallApi: true, status: 413, code: 'payload_too_large' },
  { name: 'body under BODY_LIMIT (64kb)', path: '/jobs', body: { texts: many(10, long(4000)) }, smallApi: true, status: 202 },
  { name: '/predict body over its own limit (~30 KB: one text, every character escaped)', path: '/predict', raw: `{"text":"${'a'.repeat(40_000)}"}`, status: 413, code: 'payload_too_large' },
  { name: '/predict of 5,000 characters all escaped as \\uXXXX fits its limit', path: '/predict?async=true', raw: `{"text":"${'\\u00e9'.repeat(5000)}"}`, status: 202 },
  { name: '/batch body over its own limit (~3 MB)', path: '/batch', raw: `{"texts":["${'a'.repeat(3_200_000)}"]}`, status: 413, code: 'payload_too_large' },
  { name: 'an object with 100,000 distinct keys', path: '/jobs', raw: `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":1`).join(',')}}`, status: 400, code: 'invalid_json' },

  // --- analytics query parameters ---
  { name: 'limit=0', method: 'GET', path: '/analytics/recent?limit=0', status: 400, code: 'validation_error' },
  { name: 'limit=1001', method: 'GET', path: '/analytics/recent?limit=1001', status: 400, code: 'validation_error' },
  { name: 'limit=-1', method: 'GET', path: '/analytics/recent?limit=-1', status: 400, code: 'validation_error' },
  { name: 'limit=1.5', method: 'GET', path: '/analytics/recent?limit=1.5', status: 400, code: 'validation_error' },
  { name: 'limit=abc', method: 'GET', path: '/analytics/recent?limit=abc', status: 400, code: 'validation_error' },
  { name: 'limit empty', method: 'GET', path: '/analytics/recent?limit=', status: 400, code: 'validation_error' },
  { name: 'limit twice', method: 'GET', path: '/analytics/recent?limit=1&limit=2', status: 400, code: 'validation_error' },
  { name: 'limit=1e3', method: 'GET', path: '/analytics/recent?limit=1e3', status: 400, code: 'validation_error' },
  { name: 'limit=1000 is fine', method: 'GET', path: '/analytics/recent?limit=1000', status: 200 },
  { name: 'from is not a date', method: 'GET', path: '/analytics/summary?from=yesterday', status: 400, code: 'validation_error' },
  { name: 'from is month 13', method: 'GET', path: '/analytics/summary?from=2024-13-45T00:00:00Z', status: 400, code: 'validation_error' },
  { name: 'to is SQL', method: 'GET', path: `/analytics/sentiment-distribution?to=${encodeURIComponent("2024-01-01'; DROP TABLE predictions;--")}`, status: 400, code: 'validation_error' },
  { name: 'from after to', method: 'GET', path: '/analytics/summary?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z', status: 400, code: 'validation_error' },
  { name: 'from equal to to', method: 'GET', path: '/analytics/recent?from=2024-01-01T00:00:00Z&to=2024-01-01T00:00:00Z', status: 400, code: 'validation_error' },
  { name: 'model_version with NUL', method: 'GET', path: '/analytics/summary?model_version=%00', status: 400, code: 'validation_error' },
  { name: 'model_version too long', method: 'GET', path: `/analytics/sentiment-distribution?model_version=${long(51)}`, status: 400, code: 'validation_error' },
  { name: 'model_version with SQL is just no match', method: 'GET', path: `/analytics/summary?model_version=${encodeURIComponent("x' OR '1'='1")}`, status: 200 },
  { name: 'malformed percent-encoding in the query', method: 'GET', path: '/analytics/summary?from=%E0%A4%A', status: 400, code: 'validation_error' },
  { name: 'from in year 0 (Postgres has none)', method: 'GET', path: '/analytics/summary?from=0000-01-01T00:00:00Z', status: 400, code: 'validation_error' },
  { name: 'from at the end of year 9999 (day rounding overflows)', method: 'GET', path: '/analytics/timeseries?bucket=day&from=9999-12-31T23:59:59Z', status: 400, code: 'validation_error' },
  { name: 'to is February 30th', method: 'GET', path: '/analytics/sentiment-distribution?to=2024-02-30T00:00:00Z', status: 400, code: 'validation_error' },
  { name: 'a well-formed cursor on February 30th', method: 'GET', path: `/analytics/recent?before=${Buffer.from('2024-02-30T00:00:00.000000Z|00000000-0000-4000-8000-000000000000').toString('base64url')}`, status: 400, code: 'validation_error' },
  { name: 'a cursor in year 0', method: 'GET', path: `/analytics/recent?before=${Buffer.from('0000-01-01T00:00:00.000000Z|00000000-0000-4000-8000-000000000000').toString('base64url')}`, status: 400, code: 'validation_error' },
  { name: 'from in year 1 is answered', method: 'GET', path: '/analytics/summary?from=0001-01-01T00:00:00Z', status: 200 },

  // --- job ids ---
  { name: 'unknown job id', method: 'GET', path: '/jobs/00000000-0000-4000-8000-000000000000', status: 404, code: 'not_found' },
  { name: 'path traversal in the id', method: 'GET', path: '/jobs/..%2F..%2Fetc%2Fpasswd', status: 404, code: 'not_found' },
  { name: 'NUL in the id', method: 'GET', path: '/jobs/%00', status: 404, code: 'not_found' },
  { name: 'Redis glob in the id', method: 'GET', path: '/jobs/*', status: 404, code: 'not_found' },
  { name: '8,000-character id', method: 'GET', path: `/jobs/${long(8000)}`, status: 404, code: 'not_found' },
  { name: 'malformed percent-encoding in the id', method: 'GET', path: '/jobs/%', status: 400, code: 'bad_request' },
];

/** A stack frame or a source path in an answer would leak internals. */
const LEAK = /\bat .+\(|\/work\/|node_modules|\.[jt]s:\d+|Error:/;

async function send(c: Case) {
  const headers: Record<string, string> = { ...c.headers };
  let body: string | Uint8Array | undefined = c.raw;
  if (c.body !== undefined) body = JSON.stringify(c.body);
  if (body !== undefined && c.type !== null) headers['content-type'] = c.type ?? J;
  const res = await fetch(`${c.smallApi ? smallApiUrl : stack.url}${c.path}`, { method: c.method ?? 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as any };
}

describe('bad input, one request each', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { status, text, json } = await send(c);
    expect(status, text).toBe(c.status);
    expect(text).not.toMatch(LEAK);
    if (status >= 400) {
      expect(json.error).toMatchObject({ code: c.code, message: expect.any(String) });
      expect(json.error.message.length).toBeGreaterThan(0);
    }
    if (c.stored) {
      const ids: string[] = json.predictions ? json.predictions.map((p: { id: string }) => p.id) : [json.id];
      const rows = await stack.sql<{ id: string; input_text: string }>('select id, input_text from {schema}.predictions where id in (?)', [ids]);
      const byId = new Map(rows.map((r) => [r.id, r.input_text]));
      expect(ids.map((id) => byId.get(id))).toEqual(c.stored);
    }
  });
});

describe('after all of that', () => {
  it('the prediction table is intact and still holds what was stored', async () => {
    const [row] = await stack.sql<{ n: string }>('select count(*) as n from {schema}.predictions where input_text = ?', [SQL_INJECTION]);
    expect(Number(row!.n)).toBe(2);
  });

  it('answers /health and a valid /predict', async () => {
    expect((await getJson(`${stack.url}/health`)).status).toBe(200);
    const { status, body } = await postJson(`${stack.url}/predict`, { text: 'an absolute joy to watch' });
    expect(status, stack.logs()).toBe(200);
    expect(body.sentiment).toBe('positive');
  });
});
