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
  if (Number.isNaN(Date.parse(timestamp))) return undefined;
  return { timestamp, id: id.toLowerCase() };
}
