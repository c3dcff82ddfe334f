import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time string comparison. Hashing first gives both sides the same length, so neither
 * the comparison time nor an early length check tells an attacker how much of a guess was right.
 */
export function safeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The key `token` matches, comparing against every key (no early exit) so timing says nothing. */
export function matchingKey(token: string | undefined, keys: readonly string[]): string | undefined {
  if (token === undefined) return undefined;
  let found: string | undefined;
  for (const key of keys) if (safeEqual(token, key)) found = key;
  return found;
}

/** The token of `Authorization: Bearer <token>`, if that is what the header holds. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization ?? '');
  return m?.[1];
}

/** User and password of `Authorization: Basic <base64(user:password)>` (RFC 7617). */
export function basicCredentials(authorization: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A stable, non-reversible name for a key, for places (Redis keys, logs) that must not hold the key. */
export function keyFingerprint(key: string): string {
  return digest(key).toString('hex').slice(0, 16);
}
