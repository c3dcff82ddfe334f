import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_TEXTS, MAX_JOB_TEXTS, MAX_TEXT_CHARS } from '@sentiment/queue';
import { createHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ bodyLimit: '16mb' });
});
afterAll(async () => {
  await h?.close();
});

/** Every error body has the same shape and never leaks a stack trace. */
function expectError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(res.text).not.toMatch(/node_modules/);
}

describe('POST /predict rejects bad input with 400 validation_error and zod details', () => {
  const cases: [string, unknown][] = [
    ['missing text', {}],
    ['null text', { text: null }],
    ['empty text', { text: '' }],
    ['whitespace-only text', { text: ' \n\t ' }],
    ['non-string text', { text: 42 }],
    ['text longer than 5000 chars', { text: 'a'.repeat(MAX_TEXT_CHARS + 1) }],
    ['text with a NUL character', { text: 'hello\u0000world' }],
    ['a body that is an array', ['hello']],
  ];
  it.each(cases)('%s', async (_name, body) => {
    const res = await request(h.app).post('/predict').send(body as object);
    expectError(res, 400, 'validation_error');
    expect(Array.isArray(res.body.error.details)).toBe(true);
    expect(res.body.error.details.length).toBeGreaterThan(0);
    expect(res.body.error.details[0]).toEqual(
      expect.objectContaining({ path: expect.any(Array), code: expect.any(String), message: expect.any(String) }),
    );
  });

  it('points at the offending field', async () => {
    const res = await request(h.app).post('/predict').send({ text: 'a'.repeat(MAX_TEXT_CHARS + 1) });
    expect(res.body.error.details[0].path).toEqual(['text']);
    expect(res.body.error.details[0].message).toMatch(/5000/);
  });

  it('accepts exactly 5000 characters (answering 202 when asked to be async)', async () => {
    const res = await request(h.app).post('/predict?async=true').send({ text: 'a'.repeat(MAX_TEXT_CHARS) });
    expect(res.status).toBe(202);
  });
});

describe('POST /batch and POST /jobs validate their texts', () => {
  const cases: [string, string, unknown][] = [
    ['/batch', 'non-array texts', { texts: 'hello' }],
    ['/batch', 'empty array', { texts: [] }],
    ['/batch', `more than ${MAX_BATCH_TEXTS} texts`, { texts: Array(MAX_BATCH_TEXTS + 1).fill('x') }],
    ['/batch', 'one blank text among good ones', { texts: ['good', '   ', 'fine'] }],
    ['/batch', 'a null item', { texts: ['good', null] }],
    ['/jobs', 'non-array texts', { texts: { 0: 'a' } }],
    ['/jobs', 'missing texts', {}],
    ['/jobs', `more than ${MAX_JOB_TEXTS} texts`, { texts: Array(MAX_JOB_TEXTS + 1).fill('x') }],
  ];
  it.each(cases)('%s: %s', async (path, _name, body) => {
    const res = await request(h.app).post(path).send(body as object);
    expectError(res, 400, 'validation_error');
    expect(res.body.error.details.length).toBeGreaterThan(0);
  });

  it('reports the index of the bad text in a batch', async () => {
    const res = await request(h.app).post('/batch').send({ texts: ['good', '   ', 'fine'] });
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: ['texts', 1] })]);
  });

  it('lists at most 100 issues for a huge job where every text is bad', async () => {
    const res = await request(h.app).post('/jobs').send({ texts: Array(5000).fill('') });
    expectError(res, 400, 'validation_error');
    expect(res.body.error.details).toHaveLength(100);
    expect(res.body.error.message).toMatch(/100 of 5000/);
  });

  it('queues nothing when validation fails', async () => {
    const before = await h.queue.count();
    await request(h.app).post('/jobs').send({ texts: Array(MAX_JOB_TEXTS + 1).fill('x') });
    expect(await h.queue.count()).toBe(before);
  });
});

describe('malformed requests', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    const res = await request(h.app).post('/predict').set('Content-Type', 'application/json').send('{"text": "unterminated');
    expectError(res, 400, 'invalid_json');
  });

  it('a non-JSON content type → 415 unsupported_media_type', async () => {
    const res = await request(h.app).post('/predict').set('Content-Type', 'text/plain').send('I love it');
    expectError(res, 415, 'unsupported_media_type');
  });

  it('a form-encoded body → 415 as well', async () => {
    const res = await request(h.app).post('/batch').type('form').send({ texts: 'a' });
    expectError(res, 415, 'unsupported_media_type');
  });

  it('valid JSON of the wrong shape (a bare string) → 400 validation_error', async () => {
    const res = await request(h.app).post('/predict').set('Content-Type', 'application/json').send('"just a string"');
    expectError(res, 400, 'validation_error');
  });

  it('no body at all → 400 validation_error', async () => {
    const res = await request(h.app).post('/predict');
    expectError(res, 400, 'validation_error');
  });

  it('a body over BODY_LIMIT → 413 payload_too_large', async () => {
    const small = await createHarness({ bodyLimit: '1kb' });
    try {
      const res = await request(small.app).post('/predict').send({ text: 'a'.repeat(2000) });
      expectError(res, 413, 'payload_too_large');
    } finally {
      await small.close();
    }
  });

  it('a 10,000-text job close to the default limit is accepted', async () => {
    const texts = Array.from({ length: MAX_JOB_TEXTS }, (_, i) => `review ${i}: ${'x'.repeat(1000)}`);
    const res = await request(h.app).post('/jobs').send({ texts });
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(MAX_JOB_TEXTS);
  });

  it('an unknown route → 404 not_found JSON', async () => {
    expectError(await request(h.app).get('/nope'), 404, 'not_found');
    expectError(await request(h.app).delete('/predict'), 404, 'not_found');
  });
});

describe('request ids', () => {
  it('echoes a sane incoming X-Request-Id', async () => {
    const res = await request(h.app).get('/health').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('replaces an insane one with a generated id', async () => {
    const res = await request(h.app).get('/health').set('X-Request-Id', 'evil id with spaces <script>');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
