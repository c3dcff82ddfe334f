import type { Orm } from './config.js';
import type { NewPrediction } from './prediction-rows.js';
import { qualifiedName } from './rollup-sql.js';

/**
 * Partitioned by time, `predictions` can only hold (job, item, timestamp) unique, and a retried job
 * predicts its items again at another time. So the writers keep (job, item) unique themselves: in the
 * transaction of each chunk they lock the chunk's jobs (transaction-scoped advisory locks, taken in key
 * order so two writers never deadlock), then look up which of its rows are stored, then insert the rest.
 * A second writer storing the same job waits for the first to commit and then sees its rows.
 * The table lock comes first, the one the INSERT takes anyway: a writer waiting for a job lock then
 * never holds it while queued behind retention's DROP of a partition (partitions.ts), which would be a
 * deadlock. The advisory locks' first key is the table's (schemas never wait for each other).
 */
export function jobLocks(orm: Orm, rows: readonly NewPrediction[]): { sql: string; params: string[] }[] {
  const table = qualifiedName(orm, 'predictions');
  const jobs = [...new Set(rows.map((r) => r.jobId))];
  return [
    { sql: `lock table ${table} in row exclusive mode`, params: [] },
    {
      sql: `select pg_advisory_xact_lock(hashtext(?), k) from (select distinct hashtext(j) as k from json_array_elements_text(?::json) j order by k) keys`,
      params: [table, JSON.stringify(jobs)],
    },
  ];
}
