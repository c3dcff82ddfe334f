import express, { type RequestHandler } from 'express';
import { HttpError } from './errors.js';

/**
 * JSON body parsing for the API's own routes.
 * - Any other content type, or a charset other than UTF-8, is refused with 415 (rather than read as a
 *   missing body and reported as a 400), so a client that forgot the header learns exactly that.
 * - The body is read as text (size limit, charset, gzip/deflate/br by body-parser) and parsed here,
 *   so every JSON failure is one `invalid_json` 400 that never echoes the body back.
 * - A key repeated in one object (`{"text":"a","text":"b"}`) is refused: JSON.parse would silently
 *   keep the last one, so what gets classified would not be what the client meant to send.
 * - Any JSON value is accepted here (a bare `"text"`, `null`, …): validation then explains the
 *   expected shape. An empty body leaves `req.body` undefined, exactly as when no body is sent.
 */
export function jsonBody(limit: string | number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      return next(new HttpError(415, 'unsupported_media_type', 'send the body as application/json'));
    }
    // JSON between systems is UTF-8 (RFC 8259). body-parser would decode any charset iconv knows, so
    // `charset=utf-7` would turn `+ADw-script+AD4-` into `<script>` after every check on the raw bytes.
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (hasBody && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return next(new HttpError(415, 'unsupported_media_type', `JSON bodies are UTF-8; charset=${charset.slice(0, 40)} is not accepted`));
    }
    next();
  };
  const parseJson: RequestHandler = (req, _res, next) => {
    if (typeof req.body !== 'string') return next();
    const raw: string = req.body;
    if (raw.length === 0) {
      req.body = undefined;
      return next();
    }
    // Checked before JSON.parse: V8 takes seconds on a 16 MB body of `[[[[…`, blocking every request.
    const scan = scanJson(raw);
    if (scan.tooDeep) {
      return next(new HttpError(400, 'invalid_json', `the request body nests arrays or objects more than ${MAX_DEPTH} levels deep`));
    }
    if (scan.tooManyKeys) {
      return next(new HttpError(400, 'invalid_json', `an object in the request body has more than ${MAX_KEYS} keys`));
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return next(new HttpError(400, 'invalid_json', 'the request body is not valid JSON'));
    }
    if (scan.repeatedKey !== undefined) {
      const key = scan.repeatedKey;
      const shown = key.length > 100 ? `${key.slice(0, 100)}…` : key;
      return next(new HttpError(400, 'invalid_json', `the request body repeats the key ${JSON.stringify(shown)} in one object; send each key once`));
    }
    req.body = value;
    next();
  };
  return [requireJson, express.text({ type: 'application/json', limit, defaultCharset: 'utf-8' }), parseJson];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Our bodies nest 2 levels; anything far deeper is hostile or a mistake. */
export const MAX_DEPTH = 32;
/**
 * Our objects have one or two keys. Millions of distinct keys in one body (16 MB held 1.4 million) made
 * JSON.parse block the event loop for seconds and hold hundreds of MB: the scan stops at this many.
 */
export const MAX_KEYS = 64;

export interface JsonScan {
  /** Nesting went past MAX_DEPTH (the scan stopped there). */
  tooDeep: boolean;
  /** An object has more than MAX_KEYS keys (the scan stopped there). */
  tooManyKeys?: boolean;
  /** The first key found twice in one object. */
  repeatedKey?: string;
}

/**
 * One linear pass over a JSON text, before parsing it: nesting depth and the first key repeated in
 * one object. String contents are skipped with indexOf, so bodies of long texts cost a few ms per
 * 16 MB. Invalid JSON never throws here; JSON.parse reports it afterwards.
 */
export function scanJson(json: string): JsonScan {
  // One entry per open container: its keys so far (null until the first key, and for arrays).
  const keys: (Set<string> | null)[] = [];
  const isObject: boolean[] = [];
  let expectKey = false;
  let repeatedKey: string | undefined;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(json, i);
      if (expectKey && repeatedKey === undefined) {
        const key = keyOf(json.slice(i + 1, end));
        const depth = keys.length - 1;
        const seen = keys[depth] ?? (keys[depth] = new Set());
        if (key !== undefined && seen.has(key)) repeatedKey = key;
        else if (key !== undefined) seen.add(key);
        if (seen.size > MAX_KEYS) return { tooDeep: false, tooManyKeys: true };
      }
      expectKey = false;
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (keys.length >= MAX_DEPTH) return { tooDeep: true };
      keys.push(null);
      isObject.push(c === 0x7b);
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      keys.pop();
      isObject.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = isObject[isObject.length - 1] === true;
    }
  }
  return { tooDeep: false, repeatedKey };
}

/** A key as JSON.parse would read it (escapes decoded); undefined if it is not a valid JSON string. */
function keyOf(raw: string): string | undefined {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

/** Index of the quote closing the string that opens at `start` (escaped quotes skipped). */
function stringEnd(json: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const q = json.indexOf('"', from);
    if (q < 0) return json.length; // unreachable for valid JSON
    let backslashes = 0;
    for (let k = q - 1; json.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    from = q + 1;
  }
}
