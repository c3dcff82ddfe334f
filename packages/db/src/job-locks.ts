import { jobIdTime } from '@sentiment/core';
import type { Orm } from './config.js';
import type { NewPrediction } from './prediction-rows.js';
import { qualifiedName } from './rollup-sql.js';

/**
 * Partitioned by time, `predictions` can only hold (job, item, timestamp) unique, and a retried job
 * predicts its items again at another time. So the writers keep (job, item) unique themselves: in the
 * transaction of each chunk they lock the chunk's jobs (transaction-scoped advisory locks, taken in key
 * order so two writers never deadlock), then look up which of its rows are stored, then insert the rest.
 * A second writer storing the same job waits for the first to commit and then sees its rows.
 * The statement names the table in a subquery that reads nothing: Postgres locks the table (ACCESS SHARE)
 * when it parses the statement, before the advisory locks are taken, so a writer waiting for a job lock
 * already holds a lock on the table and is never queued behind retention's DROP of a partition
 * (partitions.ts) while the writer it waits for is: no deadlock. The advisory locks' first key is the
 * table's (schemas never wait for each other).
 */
export function jobLocks(orm: Orm, rows: readonly NewPrediction[]): { sql: string; params: string[] } {
  const table = qualifiedName(orm, 'predictions');
  const jobs = [...new Set(rows.map((r) => r.jobId))];
  return {
    sql: `select pg_advisory_xact_lock(hashtext(?), k), (select 1 from ${table} where false) as table_lock
      from (select distinct hashtext(j) as k from json_array_elements_text(?::json) j order by k) keys`,
    params: [table, JSON.stringify(jobs)],
  };
}

/**
 * The (job, item) pairs of `rows` already stored, as `item job` strings: one statement, the pairs as one
 * JSON parameter, looked for from `storedSince` on.
 */
export function storedPairs(orm: Orm, rows: readonly NewPrediction[]): { sql: string; params: string[] } {
  const pairs = JSON.stringify(rows.map((r) => ({ j: r.jobId, i: r.itemIndex })));
  const since = storedSince(rows)?.toISOString() ?? '-infinity';
  return {
    sql: `select p.item_index || ' ' || p.job_id as pair from ${qualifiedName(orm, 'predictions')} p
      join json_to_recordset(?::json) as r(j text, i int) on p.job_id = r.j and p.item_index = r.i
      where p."timestamp" >= ?::timestamptz`,
    params: [pairs, since],
  };
}

/**
 * Workers' clocks may be behind the API's that stamped the job id: a stored row of a job is looked for
 * from this long before the job was made.
 */
export const CLOCK_SKEW_MARGIN_MS = 24 * 3600 * 1000;

/**
 * The earliest `timestamp` a stored row of these rows' jobs can have: their jobs' creation (UUIDv7 job
 * ids, `jobIdTime`) less CLOCK_SKEW_MARGIN_MS. The stored-rows lookup then reads the partitions of a day
 * or two instead of every partition the table holds. undefined when a job id carries no time.
 */
export function storedSince(rows: readonly NewPrediction[]): Date | undefined {
  let earliest = Infinity;
  for (const r of rows) {
    const t = jobIdTime(r.jobId);
    if (t === undefined) return undefined;
    if (t < earliest) earliest = t;
  }
  return Number.isFinite(earliest) ? new Date(earliest - CLOCK_SKEW_MARGIN_MS) : undefined;
}
