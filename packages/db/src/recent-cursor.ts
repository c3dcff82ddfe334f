/**
 * Keyset position in the `recent` order (timestamp desc, id desc): the last row a page ended on.
 * `timestamp` keeps Postgres' microseconds, so rows a millisecond apart are never skipped or repeated.
 */
export interface RecentCursor {
  /** ISO 8601 in UTC with six fractional digits, e.g. 2024-05-01T00:00:00.123456Z. */
  timestamp: string;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque form clients pass back: base64url of `<timestamp>|<id>`. */
export function encodeRecentCursor(cursor: RecentCursor): string {
  return Buffer.from(`${cursor.timestamp}|${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor inside `token`, or undefined when it is not one this module produced. */
export function decodeRecentCursor(token: string): RecentCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) return undefined;
  const [timestamp, id, ...rest] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !timestamp || !id || !TIMESTAMP.test(timestamp) || !UUID.test(id)) return undefined;
  // Cursors are written in UTC, so a real one reads back to the same second; 2024-02-30 (JavaScript
  // rolls it to March 1st, Postgres refuses it) and years Postgres cannot take do not.
  const at = new Date(timestamp);
  if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 19) !== timestamp.slice(0, 19)) return undefined;
  if (at.getUTCFullYear() < 1 || at.getUTCFullYear() >= 9999) return undefined;
  return { timestamp, id: id.toLowerCase() };
}
