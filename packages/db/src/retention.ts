import type { Orm } from './config.js';
import { GRAIN_WIDTH, GRAINS, ROLLUP_ORIGIN, type Grain } from './prediction-rollup.entity.js';
import { applyCellsSql, cellsSql, ROLLUP_SOURCE_COLUMNS, rollupNames, type RollupNames } from './rollup-sql.js';

export interface DeleteOlderThanOptions {
  /** Rows per DELETE statement; each chunk is its own short transaction, so locks stay brief. */
  chunkSize?: number;
  /** Stop after about this many rows (a per-run cap); the next run carries on. */
  maxRows?: number;
}

export const DEFAULT_DELETE_CHUNK_SIZE = 5_000;

/**
 * Deletes predictions with `timestamp < cutoff`, oldest first, in chunks of `chunkSize` rows, until
 * none are left or `maxRows` is reached. Returns the number of rows deleted. `skip locked` lets two
 * concurrent runs share the work instead of queueing behind each other's row locks.
 *
 * Each chunk is one short transaction: the DELETE subtracts the rows it removed from the rollups in the
 * same statement, then the rollup buckets it touched are tidied: emptied ones are dropped, and the
 * maximum latency of those still holding rows (a maximum cannot be subtracted) is recomputed,
 * minutes from the raw rows, each coarser grain from the one below.
 */
export async function deleteOlderThan(orm: Orm, cutoff: Date, options: DeleteOlderThanOptions = {}): Promise<number> {
  const chunkSize = options.chunkSize ?? DEFAULT_DELETE_CHUNK_SIZE;
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  if (!(maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, got ${maxRows}`);
  if (Number.isNaN(cutoff.getTime())) throw new RangeError('cutoff is not a valid date');

  const names = rollupNames(orm);
  const { rollup, latency } = applyCellsSql('cells', names, -1);
  const deleteChunk =
    `with del as (delete from ${names.prediction} where id in (` +
    `select id from ${names.prediction} where "timestamp" < ? order by "timestamp" limit ? for update skip locked) ` +
    `returning ${ROLLUP_SOURCE_COLUMNS}), cells as (${cellsSql('del', names)}), r as (${rollup}), h as (${latency}) ` +
    `select count(*)::int as deleted, min("timestamp") as oldest, max("timestamp") as newest from del`;
  const tidy = tidySql(names);

  let deleted = 0;
  while (deleted < maxRows) {
    const limit = Math.min(chunkSize, maxRows - deleted);
    const chunk = await orm.em.fork().transactional(async (tx) => {
      const ctx = tx.getTransactionContext();
      const res = await tx.getConnection().execute<{ deleted: number; oldest: Date | null; newest: Date | null }>(deleteChunk, [cutoff, limit], 'get', ctx);
      if (res.deleted > 0) {
        for (const sql of tidy) await tx.getConnection().execute(sql, [res.oldest, res.newest], 'run', ctx);
      }
      return res.deleted;
    });
    deleted += chunk;
    if (chunk < limit) break;
  }
  return deleted;
}

/**
 * Statements over the rollup buckets holding [oldest, newest] (the deleted rows' time span), in order;
 * each takes those two timestamps. Only buckets at the edge of what was deleted can still hold rows.
 */
function tidySql(names: RollupNames): string[] {
  const span = (grain: Grain) =>
    `grain = '${grain}' and bucket >= date_bin(${GRAIN_WIDTH[grain].sql}, ?::timestamptz, ${ROLLUP_ORIGIN}) and bucket <= ?::timestamptz`;
  const purge = (table: string) =>
    `delete from ${table} where n = 0 and bucket >= date_bin(${GRAIN_WIDTH.day.sql}, ?::timestamptz, ${ROLLUP_ORIGIN}) and bucket <= ?::timestamptz ` +
    `and grain in (${GRAINS.map((g) => `'${g}'`).join(', ')})`;
  /** Max of `grain` buckets recomputed from the `finer` rollup rows inside each. */
  const fromFiner = (grain: Grain, finer: Grain) =>
    `update ${names.rollup} t set max_latency_ms = (select max(f.max_latency_ms) from ${names.rollup} f
       where f.grain = '${finer}' and f.model_version = t.model_version and f.bucket >= t.bucket and f.bucket < t.bucket + ${GRAIN_WIDTH[grain].sql})
     where ${span(grain)}`;
  return [
    purge(names.rollup),
    purge(names.latency),
    `update ${names.rollup} t set max_latency_ms = (select max(p.latency_ms) from ${names.prediction} p
       where p.model_version = t.model_version and p."timestamp" >= t.bucket and p."timestamp" < t.bucket + interval '1 minute')
     where ${span('minute')}`,
    ...GRAINS.slice(1).map((grain, i) => fromFiner(grain, GRAINS[i]!)),
  ];
}
