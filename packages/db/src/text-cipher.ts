import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Input texts encrypted at rest, in the application: AES-256-GCM with a random 96-bit IV per row and the
 * row id as associated data (a ciphertext copied onto another row does not decrypt). What is stored in
 * `input_text` is `enc1.<key id>.<iv>.<ciphertext + tag>` (base64url), so every row names its key and
 * keys can rotate: new rows use the first key, older rows still decrypt with the key they name.
 */
export interface TextCipher {
  /** The key new rows are written with. */
  readonly activeKeyId: string;
  encrypt(text: string, rowId: string): string;
  /** The text of a stored value; plaintext rows (written without a key) come back as they are. */
  decrypt(stored: string, rowId: string): string;
}

export interface TextKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const PREFIX = 'enc1.';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export const isEncryptedText = (stored: string) => stored.startsWith(PREFIX);

/**
 * `id1:<base64 of 32 bytes>,id2:<…>` (INPUT_TEXT_KEYS), the first being the active key. Throws a message
 * that names the bad entry by position, never its key material.
 */
export function parseTextKeys(spec: string): TextKey[] {
  const keys = spec
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const colon = entry.indexOf(':');
      const id = entry.slice(0, colon);
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (colon < 1 || !KEY_ID.test(id)) throw new Error(`key ${i + 1}: expected <id>:<base64 key> with an id of letters, digits, - or _ (at most 32)`);
      if (key.length !== 32) throw new Error(`key ${i + 1} (${id}): expected 32 bytes of base64 (e.g. \`openssl rand -base64 32\`), got ${key.length}`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error('no key given');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('two keys share an id');
  return keys;
}

export function createTextCipher(keys: readonly TextKey[]): TextCipher {
  if (keys.length === 0) throw new Error('createTextCipher needs at least one key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const active = keys[0]!;
  return {
    activeKeyId: active.id,
    encrypt(text, rowId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', active.key, iv);
      cipher.setAAD(Buffer.from(rowId, 'utf8'));
      const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${PREFIX}${active.id}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },
    decrypt(stored, rowId) {
      if (!isEncryptedText(stored)) return stored;
      const [keyId, ivText, sealedText] = stored.slice(PREFIX.length).split('.');
      const key = byId.get(keyId ?? '');
      if (!key) throw new Error(`input text of row ${rowId} was encrypted with key "${keyId}", which is not configured`);
      const sealed = Buffer.from(sealedText ?? '', 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText ?? '', 'base64url'));
      decipher.setAAD(Buffer.from(rowId, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}
