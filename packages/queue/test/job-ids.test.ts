import { randomUUID } from 'node:crypto';
import { jobIdTime } from '@sentiment/core';
import { describe, expect, it } from 'vitest';
import { newJobId, predictionId } from '@sentiment/queue';

describe('job ids', () => {
  it('are UUIDv7 whose time is when they were made, each one new', () => {
    const before = Date.now();
    const ids = Array.from({ length: 1000 }, () => newJobId());
    const after = Date.now();
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(jobIdTime(id)).toBeGreaterThanOrEqual(before);
      expect(jobIdTime(id)).toBeLessThanOrEqual(after);
    }
  });

  it('carry no time when they are not UUIDv7 (ids of older releases, row ids)', () => {
    expect(jobIdTime(randomUUID())).toBeUndefined();
    expect(jobIdTime(predictionId(newJobId(), 3))).toBeUndefined();
    expect(jobIdTime('purge-continue-17')).toBeUndefined();
  });
});
