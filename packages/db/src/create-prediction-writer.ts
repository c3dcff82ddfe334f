import type { Orm } from './config.js';
import { ensurePartitions, PARTITION_WIDTH_MS } from './partitions.js';
import type { NewPrediction } from './prediction-rows.js';
import type { PredictionWriter, PredictionWriterOptions } from './prediction-writer.js';
import { createSqlWriter } from './sql-writer.js';
import { createUnitOfWorkWriter } from './unit-of-work-writer.js';
import { PermanentWriteError } from './write-errors.js';

/** The writer `options.kind` names: MikroORM's unit of work unless `sql` is asked for (DB_WRITER). */
export function createPredictionWriter(orm: Orm, options: PredictionWriterOptions = {}): PredictionWriter {
  const { kind = 'unit-of-work', ...rest } = options;
  return creatingPartitions(orm, kind === 'sql' ? createSqlWriter(orm, rest) : createUnitOfWorkWriter(orm, rest));
}

/**
 * Rows for a day without a partition (late rows, a clock far off, a day retention dropped) would fail
 * for good: the days of every call are checked against those this process knows exist, a missing one is
 * created first, and a write that still meets a missing partition (dropped meanwhile) creates it and is
 * tried once more. In steady state that is a set lookup per row.
 */
function creatingPartitions(orm: Orm, writer: PredictionWriter): PredictionWriter {
  const known = new Set<number>();
  const ensure = async (rows: readonly NewPrediction[]) => {
    const missing = new Set<number>();
    for (const r of rows) {
      const day = Math.floor(r.timestamp.getTime() / PARTITION_WIDTH_MS);
      if (!known.has(day)) missing.add(day);
    }
    for (const day of missing) {
      await ensurePartitions(orm, new Date(day * PARTITION_WIDTH_MS), new Date(day * PARTITION_WIDTH_MS));
      known.add(day);
    }
  };
  return {
    async insertMany(rows) {
      if (rows.length === 0) return 0;
      await ensure(rows);
      try {
        return await writer.insertMany(rows);
      } catch (err) {
        if (!(err instanceof PermanentWriteError && err.code === '23514' && /no partition of relation/.test(err.message))) throw err;
        known.clear();
        await ensure(rows);
        // Chunks stored before the failure are skipped as stored: the count is that of this second call.
        return writer.insertMany(rows);
      }
    },
  };
}
