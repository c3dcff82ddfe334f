import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Orm } from './config.js';
import { PredictionSchema } from './prediction.entity.js';
import { orderedChunks, rowChecker, toEntityData, type NewPrediction } from './prediction-rows.js';
import type { PredictionWriter } from './prediction-writer.js';
import { permanentWriteError } from './write-errors.js';
import type { TextCipher } from './text-cipher.js';

/** A flush that keeps meeting rows other writers store at that moment gives up after this many tries. */
const MAX_ATTEMPTS = 8;

/**
 * Writes rows as `Prediction` entities through MikroORM's unit of work: a fresh forked EntityManager per
 * flush, `em.create` for each row, one `flush()`, which MikroORM sends as one multi-row INSERT (a chunk
 * never exceeds the ORM's `batchSize`, so a flush is one statement, atomic without BEGIN/COMMIT: see
 * `orderedChunks` for the lock order that keeps concurrent writers from deadlocking).
 *
 * Idempotent without ON CONFLICT: a flush that meets a row already stored (a retried job) fails as a
 * whole on the unique index; the rows of the chunk already stored are then looked up and the rest is
 * flushed again. Rollups are kept by the table's triggers (migration 20261206120000), not here.
 */
export function createUnitOfWorkWriter(orm: Orm, options: { rowsPerFlush?: number; textCipher?: TextCipher } = {}): PredictionWriter {
  const { textCipher } = options;
  const rowsPerFlush = Math.min(options.rowsPerFlush ?? Infinity, orm.config.get('batchSize'));
  const checkRows = rowChecker(orm);

  return {
    async insertMany(rows) {
      if (rows.length === 0) return 0;
      checkRows(rows);
      let inserted = 0;
      try {
        for (const chunk of orderedChunks(rows, rowsPerFlush)) inserted += await storeChunk(chunk);
      } catch (err) {
        throw permanentWriteError(err) ?? err;
      }
      return inserted;
    },
  };

  /** Stores the rows of `chunk` not stored yet; returns how many it stored. */
  async function storeChunk(chunk: NewPrediction[]): Promise<number> {
    let pending = chunk;
    for (let attempt = 1; ; attempt++) {
      try {
        await flush(pending);
        return pending.length;
      } catch (err) {
        if (!(err instanceof UniqueConstraintViolationException) || attempt === MAX_ATTEMPTS) throw err;
        pending = await withoutStored(pending);
        if (pending.length === 0) return 0;
      }
    }
  }

  async function flush(rows: readonly NewPrediction[]): Promise<void> {
    const em = orm.em.fork();
    for (const row of rows) em.create(PredictionSchema, toEntityData(row, textCipher));
    await em.flush();
  }

  /** `rows` minus those whose id or (job, item) is stored: ids derive from (job, item), either can clash. */
  async function withoutStored(rows: NewPrediction[]): Promise<NewPrediction[]> {
    const stored = await orm.em.fork().find(
      PredictionSchema,
      {
        $or: [
          { id: { $in: rows.map((r) => r.id) } },
          { jobId: { $in: [...new Set(rows.map((r) => r.jobId))] }, itemIndex: { $in: [...new Set(rows.map((r) => r.itemIndex))] } },
        ],
      },
      { fields: ['id', 'jobId', 'itemIndex'] },
    );
    const ids = new Set(stored.map((p) => p.id));
    const items = new Set(stored.map((p) => `${p.itemIndex} ${p.jobId}`));
    return rows.filter((r) => !ids.has(r.id) && !items.has(`${r.itemIndex} ${r.jobId}`));
  }
}
