// The model version stored with every prediction (model_version, varchar(50)) and keying the result cache.
import { createHash } from 'node:crypto';

/** model_version is a varchar(50) column; every version fits it. */
export const MODEL_VERSION_MAX_LENGTH = 50;
const HASH_LENGTH = 8;
/** Longest name kept in a version: 50 - '+' - 8 hex = 41. */
export const MODEL_NAME_MAX_LENGTH = MODEL_VERSION_MAX_LENGTH - 1 - HASH_LENGTH;

export interface ModelVersionParts {
  /** Every model file whose bytes can change answers, by its path in the model (e.g. `onnx/model.onnx`). */
  files: { path: string; sha256: string }[];
  /** Every setting that can change answers; keys whose value is undefined are left out. */
  settings: Record<string, unknown>;
}

/**
 * The name part of a version, readable and at most MODEL_NAME_MAX_LENGTH (41) characters:
 * - a name of up to 41 characters is kept as it is;
 * - a longer one keeps only its last `/`-separated segment (a Hub id `org/model` becomes `model`);
 * - if that is still longer than 41 characters, its first 41 characters.
 * The hash after it, not the name, keeps versions distinct.
 */
export function compactModelName(name: string): string {
  if (name.length <= MODEL_NAME_MAX_LENGTH) return name;
  const last = name.split('/').filter((segment) => segment.length > 0).pop() ?? name;
  return last.slice(0, MODEL_NAME_MAX_LENGTH);
}

/** JSON with object keys sorted at every level and undefined-valued keys dropped: one text per value. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `<compact name>+<8 hex>` (at most 50 characters): the hex are the first 8 of the sha256 of
 * `{"files":[[path,sha256],…],"settings":{…}}`, files sorted by path (sha256 lowercased), settings as
 * canonical JSON (keys sorted, undefined values dropped). The name is not hashed: the same files and
 * settings answer the same under any name (a folder and its Hub id share the hash).
 */
export function modelVersion(name: string, parts: ModelVersionParts): string {
  const files = parts.files
    .map((file) => [file.path, file.sha256.toLowerCase()] as const)
    .sort(([a, aHash], [b, bHash]) => (a < b ? -1 : a > b ? 1 : aHash < bHash ? -1 : aHash > bHash ? 1 : 0));
  const serialised = `{"files":${JSON.stringify(files)},"settings":${canonicalJson(parts.settings)}}`;
  const hash = createHash('sha256').update(serialised).digest('hex').slice(0, HASH_LENGTH);
  return `${compactModelName(name)}+${hash}`;
}
