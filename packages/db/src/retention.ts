import type { Orm } from './config.js';
import { rollupNames } from './rollup-sql.js';

export interface DeleteOlderThanOptions {
  /** Rows per DELETE statement; each chunk is its own short transaction, so locks stay brief. */
  chunkSize?: number;
  /** Stop after about this many rows (a per-run cap); the next run carries on. */
  maxRows?: number;
}

export const DEFAULT_DELETE_CHUNK_SIZE = 5_000;

/**
 * Deletes predictions with `timestamp < cutoff`, then shadow runs' comparison rows (`model_comparisons`)
 * likewise, oldest first, in chunks of `chunkSize` rows, until none are left or `maxRows` (both tables
 * together) is reached. Returns the number of rows deleted, both tables together. `skip locked` lets two
 * concurrent runs share the work instead of queueing behind each other's row locks.
 *
 * Each chunk is one statement, its own short transaction; the table's delete trigger takes the rows out
 * of the rollups in that transaction (emptied buckets go, maxima are recomputed).
 */
export async function deleteOlderThan(orm: Orm, cutoff: Date, options: DeleteOlderThanOptions = {}): Promise<number> {
  const chunkSize = options.chunkSize ?? DEFAULT_DELETE_CHUNK_SIZE;
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  if (!(maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, got ${maxRows}`);
  if (Number.isNaN(cutoff.getTime())) throw new RangeError('cutoff is not a valid date');

  const { prediction, comparison } = rollupNames(orm);
  const deleteChunk = (table: string) =>
    `with del as (delete from ${table} where id in (` +
    `select id from ${table} where "timestamp" < ? order by "timestamp" limit ? for update skip locked) returning 1) ` +
    `select count(*)::int as deleted from del`;

  let deleted = 0;
  for (const table of [prediction, comparison]) {
    while (deleted < maxRows) {
      const limit = Math.min(chunkSize, maxRows - deleted);
      const res = await orm.em.fork().getConnection().execute<{ deleted: number }>(deleteChunk(table), [cutoff, limit], 'get');
      deleted += res.deleted;
      if (res.deleted < limit) break;
    }
  }
  return deleted;
}
