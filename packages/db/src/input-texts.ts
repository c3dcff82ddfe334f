import type { Orm } from './config.js';
import { rollupNames } from './rollup-sql.js';
import type { TextCipher } from './text-cipher.js';

export interface StoredText {
  itemIndex: number;
  /** null: never stored (STORE_INPUT_TEXT=false) or erased. */
  text: string | null;
}

/**
 * The input texts of one job, decrypted: the one place texts are read back (an operator answering a
 * user's request, a support case). Analytics never read them. Without `cipher`, encrypted rows throw.
 */
export async function readInputTexts(orm: Orm, jobId: string, cipher?: TextCipher): Promise<StoredText[]> {
  const rows = await orm.em
    .getConnection()
    .execute<{ id: string; item_index: number; input_text: string | null }[]>(
      `select id, item_index, input_text from ${rollupNames(orm).prediction} where job_id = ? order by item_index`,
      [jobId],
    );
  return rows.map((r) => ({
    itemIndex: r.item_index,
    text: r.input_text === null ? null : cipher ? cipher.decrypt(r.input_text, r.id) : plaintextOnly(r.input_text, r.id),
  }));
}

function plaintextOnly(stored: string, rowId: string): string {
  if (stored.startsWith('enc1.')) throw new Error(`input text of row ${rowId} is encrypted: give the keys (INPUT_TEXT_KEYS) to read it`);
  return stored;
}

/**
 * Erases the stored input texts of one job (a user's erasure request): `input_text` becomes NULL, the
 * rows and therefore every analytics figure stay. Returns the rows whose text was erased.
 */
export async function eraseInputTexts(orm: Orm, jobId: string): Promise<number> {
  const res = await orm.em
    .getConnection()
    .execute<{ affectedRows?: number; rowCount?: number }>(
      `update ${rollupNames(orm).prediction} set input_text = null where job_id = ? and input_text is not null`,
      [jobId],
      'run',
    );
  return Number(res.affectedRows ?? res.rowCount ?? 0);
}
