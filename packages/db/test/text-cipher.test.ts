import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionWriter, createTextCipher, eraseInputTexts, parseTextKeys, readInputTexts, type TextKey } from '@sentiment/db';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { makePredictions } from './support/predictions.js';

const key = (id: string): TextKey => ({ id, key: randomBytes(32) });

describe('text cipher', () => {
  const k1 = key('k1');
  const k2 = key('k2');

  it('round-trips a text, and the stored value gives nothing of it away', () => {
    const cipher = createTextCipher([k1]);
    const text = 'My card 4111 1111 1111 1111 was charged twice 😡';
    const stored = cipher.encrypt(text, 'row-1');
    expect(stored).toMatch(/^enc1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain('4111');
    expect(cipher.decrypt(stored, 'row-1')).toBe(text);
    expect(cipher.encrypt(text, 'row-1')).not.toBe(stored); // a fresh IV each time
  });

  it('refuses a ciphertext moved to another row, or tampered with', () => {
    const cipher = createTextCipher([k1]);
    const stored = cipher.encrypt('hello', 'row-1');
    expect(() => cipher.decrypt(stored, 'row-2')).toThrow();
    const flipped = stored.slice(0, -2) + (stored.at(-2) === 'A' ? 'B' : 'A') + stored.at(-1);
    expect(() => cipher.decrypt(flipped, 'row-1')).toThrow();
  });

  it('rotates: new rows take the first key, old rows still decrypt with the key they name', () => {
    const before = createTextCipher([k1]).encrypt('old row', 'r');
    const rotated = createTextCipher([k2, k1]);
    expect(rotated.encrypt('new row', 'r')).toMatch(/^enc1\.k2\./);
    expect(rotated.decrypt(before, 'r')).toBe('old row');
    expect(() => createTextCipher([k2]).decrypt(before, 'r')).toThrow(/key "k1", which is not configured/);
  });

  it('parses INPUT_TEXT_KEYS and says what is wrong without echoing key material', () => {
    const b64 = randomBytes(32).toString('base64');
    expect(parseTextKeys(`2026-12:${b64}, old:${randomBytes(32).toString('base64')}`).map((k) => k.id)).toEqual(['2026-12', 'old']);
    expect(() => parseTextKeys(`k:${randomBytes(16).toString('base64')}`)).toThrow(/expected 32 bytes/);
    expect(() => parseTextKeys(`bad id!:${b64}`)).toThrow(/key 1/);
    expect(() => parseTextKeys(`a:${b64},a:${b64}`)).toThrow(/share an id/);
    try {
      parseTextKeys(`k:${b64.slice(0, 20)}`);
    } catch (err) {
      expect((err as Error).message).not.toContain(b64.slice(0, 20));
    }
  });
});

describe('input texts at rest', () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema();
  });
  afterAll(() => db?.drop());

  it('stores them encrypted, reads them back only with the keys, and erases a job\'s texts keeping its analytics', async () => {
    const cipher = createTextCipher([key('k1')]);
    const jobId = randomUUID();
    const rows = makePredictions(4, { jobId, inputText: 'a private support message' });
    await createPredictionWriter(db.orm, { textCipher: cipher }).insertMany(rows);

    const stored = await db.orm.em.getConnection().execute<{ input_text: string }[]>(`select input_text from "${db.schema}".predictions where job_id = ?`, [jobId]);
    expect(stored.every((r) => r.input_text.startsWith('enc1.k1.') && !r.input_text.includes('private'))).toBe(true);
    expect((await readInputTexts(db.orm, jobId, cipher)).map((t) => t.text)).toEqual(Array(4).fill('a private support message'));
    await expect(readInputTexts(db.orm, jobId)).rejects.toThrow(/encrypted: give the keys/);

    const [before] = await db.orm.em.getConnection().execute<{ n: string }[]>(`select sum(n) as n from "${db.schema}".prediction_rollup where grain = 'minute'`);
    expect(await eraseInputTexts(db.orm, jobId)).toBe(4);
    expect((await readInputTexts(db.orm, jobId, cipher)).map((t) => t.text)).toEqual([null, null, null, null]);
    const [after] = await db.orm.em.getConnection().execute<{ n: string }[]>(`select sum(n) as n from "${db.schema}".prediction_rollup where grain = 'minute'`);
    expect(after!.n).toBe(before!.n); // every row, and so every figure, is still there
  });
});
