import type { Orm } from './config.js';
import { dropPartitionsBefore, ensurePartitions, PARTITION_WIDTH_MS, PARTITIONS_AHEAD_DAYS } from './partitions.js';
import { rollupNames } from './rollup-sql.js';

export interface DeleteOlderThanOptions {
  /** Comparison rows per DELETE statement; each chunk is its own short transaction, so locks stay brief. */
  chunkSize?: number;
  /** Stop deleting comparison rows after about this many (a per-run cap); the next run carries on. */
  maxRows?: number;
}

export interface DeletedRows {
  /** Predictions gone with their partitions (whole UTC days older than the cutoff). */
  predictions: number;
  /** The partitions dropped, oldest first. */
  partitions: string[];
  /** Shadow runs' comparison rows deleted (`model_comparisons`, not partitioned). */
  comparisons: number;
  /** false when maxRows stopped the comparison deletes early. */
  complete: boolean;
}

export const DEFAULT_DELETE_CHUNK_SIZE = 5_000;

/** A worker's retention work, wherever its ORM lives: in the process (retentionStore) or in a writer thread. */
export interface RetentionStore {
  /** Creates the predictions table's day partitions from `now` to PARTITIONS_AHEAD_DAYS ahead; the names of those created. */
  ensurePartitionsAhead(now: Date): Promise<string[]>;
  /** deleteOlderThan, below. */
  deleteOlderThan(cutoff: Date, options?: DeleteOlderThanOptions): Promise<DeletedRows>;
}

export function retentionStore(orm: Orm): RetentionStore {
  return {
    ensurePartitionsAhead: (now) => ensurePartitions(orm, now, new Date(now.getTime() + PARTITIONS_AHEAD_DAYS * PARTITION_WIDTH_MS)),
    deleteOlderThan: (cutoff, options) => deleteOlderThan(orm, cutoff, options),
  };
}

/**
 * Retention. Predictions go a whole day at a time: every day partition whose range ends at or before
 * `cutoff` is dropped (partitions.ts), so a prediction is kept until its whole UTC day is older than the
 * cutoff, at most one day longer than the cutoff alone would keep it, and nothing is deleted row by row.
 * Shadow runs' comparison rows (`model_comparisons`) with `timestamp < cutoff` are deleted oldest first,
 * in chunks of `chunkSize`, until none are left or `maxRows` is reached; `skip locked` lets two concurrent
 * runs share that work. Rollups stay exact: the partition's truncate trigger and the comparisons' delete
 * trigger take the rows out of them.
 */
export async function deleteOlderThan(orm: Orm, cutoff: Date, options: DeleteOlderThanOptions = {}): Promise<DeletedRows> {
  const chunkSize = options.chunkSize ?? DEFAULT_DELETE_CHUNK_SIZE;
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  if (!(maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, got ${maxRows}`);
  if (Number.isNaN(cutoff.getTime())) throw new RangeError('cutoff is not a valid date');

  const dropped = await dropPartitionsBefore(orm, cutoff);
  const { comparison } = rollupNames(orm);
  const deleteChunk =
    `with del as (delete from ${comparison} where id in (` +
    `select id from ${comparison} where "timestamp" < ? order by "timestamp" limit ? for update skip locked) returning 1) ` +
    `select count(*)::int as deleted from del`;
  let comparisons = 0;
  let complete = true;
  while (comparisons < maxRows) {
    const limit = Math.min(chunkSize, maxRows - comparisons);
    const res = await orm.em.fork().getConnection().execute<{ deleted: number }>(deleteChunk, [cutoff, limit], 'get');
    comparisons += res.deleted;
    if (res.deleted < limit) break;
    if (comparisons >= maxRows) complete = false;
  }
  return { predictions: dropped.rows, partitions: dropped.partitions, comparisons, complete };
}
