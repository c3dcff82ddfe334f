// How a file is cut into jobs, and the keys that make re-runs land on the same jobs.
import { describe, expect, it } from 'vitest';
import { chunkIdempotencyKey, planChunks, submissionId, type SubmissionIdentity } from '../src/chunks.js';

const items = (texts: string[]) => texts.map((text, i) => ({ line: i + 1, text }));

describe('planChunks', () => {
  it('cuts at maxTexts, in order, covering every item once', () => {
    const chunks = planChunks(items(Array.from({ length: 25 }, (_, i) => `t${i}`)), { maxTexts: 10, maxBytes: 1e9 });
    expect(chunks).toEqual([
      { index: 0, start: 0, count: 10 },
      { index: 1, start: 10, count: 10 },
      { index: 2, start: 20, count: 5 },
    ]);
  });

  it('also cuts before a request body would pass maxBytes (long texts), but never leaves a chunk empty', () => {
    const long = 'x'.repeat(1000);
    const chunks = planChunks(items([long, long, long, 'short', long]), { maxTexts: 100, maxBytes: 2100 });
    expect(chunks.map((c) => c.count)).toEqual([2, 3]); // 1003 + 1003 bytes; then 1003 + 8 + 1003
    // One text bigger than the limit still goes (alone): the API decides.
    expect(planChunks(items([long]), { maxTexts: 100, maxBytes: 10 })).toEqual([{ index: 0, start: 0, count: 1 }]);
  });
});

describe('keys', () => {
  const identity: SubmissionIdentity = { sha256: 'a'.repeat(64), format: 'csv', selector: 'review', limits: { maxTexts: 10_000, maxBytes: 8 << 20 } };

  it('are the same for the same file read the same way, and differ per chunk, column, chunking and generation', () => {
    expect(chunkIdempotencyKey(identity, 0)).toBe(chunkIdempotencyKey({ ...identity }, 0));
    expect(chunkIdempotencyKey(identity, 0)).toMatch(/^[\x21-\x7e]{1,255}$/); // what the API accepts
    const others = [
      chunkIdempotencyKey(identity, 1),
      chunkIdempotencyKey({ ...identity, selector: 'title' }, 0),
      chunkIdempotencyKey({ ...identity, limits: { ...identity.limits, maxTexts: 500 } }, 0),
      chunkIdempotencyKey({ ...identity, sha256: 'b'.repeat(64) }, 0),
      chunkIdempotencyKey(identity, 0, 1),
    ];
    expect(new Set([chunkIdempotencyKey(identity, 0), ...others]).size).toBe(6);
  });

  it('a submission id also depends on the server', () => {
    expect(submissionId(identity, 'http://a:3000')).toMatch(/^[0-9a-f]{16}$/);
    expect(submissionId(identity, 'http://a:3000')).not.toBe(submissionId(identity, 'http://b:3000'));
  });
});
