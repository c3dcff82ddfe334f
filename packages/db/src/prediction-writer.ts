import type { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { PredictionSchema, type Sentiment } from './prediction.entity.js';

export interface NewPrediction {
  id: string;
  timestamp: Date;
  inputText: string | null;
  sentiment: Sentiment;
  confidence: number;
  latencyMs: number;
  modelVersion: string;
  cacheHit: boolean;
  jobId: string;
  itemIndex: number;
}

export interface PredictionWriter {
  /** Inserts rows in one transaction; rows whose (jobId, itemIndex) already exist are skipped. Returns rows actually inserted. */
  insertMany(rows: readonly NewPrediction[]): Promise<number>;
}

/** Postgres allows at most 65,535 bind parameters per statement; a row binds 10 columns. */
export const MAX_ROWS_PER_STATEMENT = 6_500;

/** `rowsPerStatement` can only lower the chunk size below MAX_ROWS_PER_STATEMENT. */
export function createPredictionWriter(orm: MikroORM<PostgreSqlDriver>, options: { rowsPerStatement?: number } = {}): PredictionWriter {
  const rowsPerStatement = Math.min(options.rowsPerStatement ?? MAX_ROWS_PER_STATEMENT, MAX_ROWS_PER_STATEMENT);
  return {
    async insertMany(rows) {
      if (rows.length === 0) return 0;
      const em = orm.em.fork();
      return em.transactional(async (tx) => {
        let inserted = 0;
        for (let start = 0; start < rows.length; start += rowsPerStatement) {
          const chunk = rows.slice(start, start + rowsPerStatement).map(toEntityData);
          // One multi-row INSERT ... ON CONFLICT DO NOTHING per chunk; rowCount counts only new rows.
          // (em.upsertMany with 'ignore' would re-select every row afterwards and cannot report the count.)
          const res = await tx
            .createQueryBuilder(PredictionSchema)
            .insert(chunk)
            .onConflict(['jobId', 'itemIndex'])
            .ignore()
            .execute('run');
          inserted += res.affectedRows;
        }
        return inserted;
      });
    },
  };
}

function toEntityData(row: NewPrediction) {
  return {
    id: row.id,
    timestamp: row.timestamp,
    inputText: row.inputText,
    predictedSentiment: row.sentiment,
    confidenceScore: row.confidence,
    latencyMs: row.latencyMs,
    modelVersion: row.modelVersion,
    cacheHit: row.cacheHit,
    jobId: row.jobId,
    itemIndex: row.itemIndex,
  };
}
