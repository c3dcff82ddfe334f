import { comparisonRollupInserts } from './comparison-rollup-sql.js';
import type { Orm } from './config.js';
import { GRAIN_WIDTH } from './prediction-rollup.entity.js';
import { floorTo } from './rollup-ranges.js';
import { applyCellsSql, cellsSql, ROLLUP_SOURCE_COLUMNS, rollupNames } from './rollup-sql.js';

/**
 * Recomputes the rollups of every UTC day overlapping [from, to) (all days by default) from the raw
 * rows, those of `predictions` and those of `model_comparisons` (shadow runs): a repair for rows loaded while the table's triggers were off (`pg_restore --disable-triggers`,
 * `session_replication_role = replica`). Raw-table writes wait until it commits.
 */
export async function rebuildRollups(orm: Orm, range: { from?: Date; to?: Date } = {}): Promise<void> {
  const names = rollupNames(orm);
  const lo = range.from && new Date(floorTo(range.from.getTime(), 'day'));
  const hi = range.to && new Date(Math.ceil(range.to.getTime() / GRAIN_WIDTH.day.ms) * GRAIN_WIDTH.day.ms);
  const where = (column: string) => [lo && `${column} >= ?`, hi && `${column} < ?`].filter(Boolean).join(' and ') || 'true';
  const params = [lo, hi].filter(Boolean);
  const { rollup, latency } = applyCellsSql('cells', names, 1);
  const comparison = comparisonRollupInserts('src', names);
  await orm.em.fork().transactional(async (tx) => {
    const run = (sql: string, values: unknown[] = []) => tx.getConnection().execute(sql, values, 'run', tx.getTransactionContext());
    // Share mode: reads go on, inserts and deletes (which maintain the rollups) wait.
    await run(`lock table ${names.prediction}, ${names.comparison} in share mode`);
    await run(`set local work_mem = '256MB'`);
    await run(`delete from ${names.rollup} where ${where('bucket')}`, params);
    await run(`delete from ${names.latency} where ${where('bucket')}`, params);
    await run(
      `with src as (select ${ROLLUP_SOURCE_COLUMNS} from ${names.prediction} where ${where('"timestamp"')}),
        cells as (${cellsSql('src', names)}), r as (${rollup}), h as (${latency}) select 1`,
      params,
    );
    await run(`delete from ${names.comparisonRollup} where ${where('bucket')}`, params);
    await run(`delete from ${names.comparisonLatency} where ${where('bucket')}`, params);
    await run(
      `with src as (select * from ${names.comparison} where ${where('"timestamp"')}), r as (${comparison.rollup}), h as (${comparison.latency}) select 1`,
      params,
    );
  });
}
