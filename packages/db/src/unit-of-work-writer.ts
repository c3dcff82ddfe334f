import type { Orm } from './config.js';
import { jobLocks, storedPairs } from './job-locks.js';
import { Prediction } from './prediction.entity.js';
import { orderedChunks, rowChecker, toEntityData, type NewPrediction } from './prediction-rows.js';
import type { PredictionWriter } from './prediction-writer.js';
import { permanentWriteError } from './write-errors.js';
import type { TextCipher } from './text-cipher.js';

/**
 * Writes rows as `Prediction` entities through MikroORM's unit of work: per chunk, a fresh forked
 * EntityManager in a transaction that locks the chunk's jobs and looks up which of its rows are stored
 * (job-locks.ts), a new `Prediction` entity persisted for each of the others and one `flush()`, which
 * MikroORM sends as one multi-row INSERT (a chunk never exceeds the ORM's `batchSize`). Idempotent
 * without ON CONFLICT: a retried job's rows already stored are skipped, even when its first run is
 * storing them at that moment. Rollups are kept by the table's triggers (migration 20261206120000), not here.
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

  /**
   * Stores the rows of `chunk` not stored yet, in one transaction; returns how many it stored. begin() and
   * commit() on the fork itself: em.transactional() would fork once more and merge every entity back.
   */
  async function storeChunk(chunk: NewPrediction[]): Promise<number> {
    const em = orm.em.fork();
    await em.begin();
    try {
      const conn = em.getConnection();
      const ctx = em.getTransactionContext();
      const locks = jobLocks(orm, chunk);
      await conn.execute(locks.sql, locks.params, 'run', ctx);
      const lookup = storedPairs(orm, chunk);
      const stored = new Set((await conn.execute<{ pair: string }[]>(lookup.sql, lookup.params, 'all', ctx)).map((r) => r.pair));
      const pending = stored.size === 0 ? chunk : chunk.filter((r) => !stored.has(`${r.itemIndex} ${r.jobId}`));
      // new + persist, not em.create: the rows are new by construction (the lookup above), so the entity
      // factory's identity-map lookup under the composite (id, timestamp) key would find nothing.
      for (const row of pending) em.persist(Object.assign(new Prediction(), toEntityData(row, textCipher)));
      // Flushes, then commits.
      await em.commit();
      return pending.length;
    } catch (err) {
      await em.rollback().catch(() => {});
      throw err;
    }
  }
}
