/**
 * The WHERE clause over the raw `predictions` rows that analytics filters promise (from inclusive, to
 * exclusive, one model version), written out by hand so tests can compute expected figures with plain SQL.
 */
export function rawRowsWhere(f: { from?: Date | string; to?: Date | string; modelVersion?: string }): { text: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (part: string, value: unknown) => {
    parts.push(part);
    params.push(value);
  };
  if (f.from) add('"timestamp" >= ?', f.from);
  if (f.to) add('"timestamp" < ?', f.to);
  if (f.modelVersion) add('model_version = ?', f.modelVersion);
  return { text: parts.length ? `where ${parts.join(' and ')}` : '', params };
}
