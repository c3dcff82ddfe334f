import type { Orm } from './config.js';
import type { PredictionWriter, PredictionWriterOptions } from './prediction-writer.js';
import { createSqlWriter } from './sql-writer.js';
import { createUnitOfWorkWriter } from './unit-of-work-writer.js';

/** The writer `options.kind` names: MikroORM's unit of work unless `sql` is asked for (DB_WRITER). */
export function createPredictionWriter(orm: Orm, options: PredictionWriterOptions = {}): PredictionWriter {
  const { kind = 'unit-of-work', ...rest } = options;
  return kind === 'sql' ? createSqlWriter(orm, rest) : createUnitOfWorkWriter(orm, rest);
}
