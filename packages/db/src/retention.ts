import type { Orm } from './config.js';

export interface DeleteOlderThanOptions {
  /** Rows per DELETE statement; each statement is its own short transaction, so locks stay brief. */
  chunkSize?: number;
  /** Stop after about this many rows (a per-run cap); the next run carries on. */
  maxRows?: number;
}

export const DEFAULT_DELETE_CHUNK_SIZE = 5_000;

/**
 * Deletes predictions with `timestamp < cutoff`, oldest first, in chunks of `chunkSize` rows, until
 * none are left or `maxRows` is reached. Returns the number of rows deleted. `skip locked` lets two
 * concurrent runs share the work instead of queueing behind each other's row locks.
 */
export async function deleteOlderThan(orm: Orm, cutoff: Date, options: DeleteOlderThanOptions = {}): Promise<number> {
  const chunkSize = options.chunkSize ?? DEFAULT_DELETE_CHUNK_SIZE;
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  if (!(maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, got ${maxRows}`);
  if (Number.isNaN(cutoff.getTime())) throw new RangeError('cutoff is not a valid date');

  const schema = orm.config.get('schema');
  const table = schema ? `"${schema}"."prediction"` : '"prediction"';
  const sql =
    `delete from ${table} where id in (` +
    `select id from ${table} where "timestamp" < ? order by "timestamp" limit ? for update skip locked)`;
  const connection = orm.em.getConnection();

  let deleted = 0;
  while (deleted < maxRows) {
    const limit = Math.min(chunkSize, maxRows - deleted);
    // Outside any transaction: every statement commits on its own.
    const res = await connection.execute<{ affectedRows: number }>(sql, [cutoff, limit], 'run');
    deleted += res.affectedRows;
    if (res.affectedRows < limit) break;
  }
  return deleted;
}
