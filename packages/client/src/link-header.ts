/** The target of the `rel="next"` link in a Link header (RFC 8288), or undefined. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const link of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(match[2]!);
    const names = (rels?.[1] ?? rels?.[2] ?? '').toLowerCase().split(/\s+/);
    if (names.includes('next')) return match[1];
  }
  return undefined;
}

/** The `before` cursor the next page's link carries. */
export function nextCursor(header: string | null): string | undefined {
  const link = nextLink(header);
  if (link === undefined) return undefined;
  return new URL(link, 'http://base.invalid').searchParams.get('before') ?? undefined;
}
