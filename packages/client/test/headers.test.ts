// The two response headers the client interprets itself: Retry-After and Link.
import { describe, expect, it } from 'vitest';
import { nextCursor, nextLink } from '../src/link-header.js';
import { parseRetryAfter } from '../src/retry.js';

describe('Retry-After (RFC 9110)', () => {
  it('reads delta-seconds and HTTP dates; anything else is no advice', () => {
    const now = Date.parse('2026-11-27T10:00:00Z');
    expect(parseRetryAfter('10', now)).toBe(10);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0); // in the past: now
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('Link rel="next" (RFC 8288)', () => {
  it('finds the next page as Express writes it, and its `before` cursor', () => {
    const header = '</analytics/recent?limit=2&before=MjAyNi0xMS0yN1QxMDowMDowMC4wMDBafGFiYw%3D%3D&model_version=v1>; rel="next"';
    expect(nextLink(header)).toBe('/analytics/recent?limit=2&before=MjAyNi0xMS0yN1QxMDowMDowMC4wMDBafGFiYw%3D%3D&model_version=v1');
    expect(nextCursor(header)).toBe('MjAyNi0xMS0yN1QxMDowMDowMC4wMDBafGFiYw==');
  });

  it('picks `next` among several links and relation types; none there is undefined', () => {
    expect(nextCursor('</x?before=a>; rel="prev", </x?before=b>; rel="last next"')).toBe('b');
    expect(nextCursor('</x?before=c>;rel=next')).toBe('c');
    expect(nextCursor('</x?before=a>; rel="prev"')).toBeUndefined();
    expect(nextCursor(null)).toBeUndefined();
    expect(nextCursor('garbage')).toBeUndefined();
  });
});
