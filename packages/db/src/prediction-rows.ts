import type { Orm } from './config.js';
import { PredictionSchema, type Prediction, type Sentiment } from './prediction.entity.js';
import { PermanentWriteError } from './write-errors.js';
import type { TextCipher } from './text-cipher.js';

/** One prediction as the worker hands it to a writer. */
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

/** Where each entity property comes from in a NewPrediction. */
const FIELD: { readonly [K in keyof Prediction]: keyof NewPrediction } = {
  id: 'id',
  timestamp: 'timestamp',
  inputText: 'inputText',
  predictedSentiment: 'sentiment',
  confidenceScore: 'confidence',
  latencyMs: 'latencyMs',
  modelVersion: 'modelVersion',
  cacheHit: 'cacheHit',
  jobId: 'jobId',
  itemIndex: 'itemIndex',
};

/**
 * The entity's data for `row`, its text encrypted when a cipher is set: a plain object, not an entity (the
 * SQL writer JSON-encodes it, and MikroORM gives entity prototypes a `toJSON`; the unit of work copies it
 * into `new Prediction()`).
 */
export function toEntityData(row: NewPrediction, cipher: TextCipher | undefined): Prediction {
  // Lone UTF-16 surrogates cannot be stored as UTF-8 (the driver or Postgres' JSON parser would refuse
  // or mangle them): replace them the way the pg driver would.
  const text = row.inputText === null ? null : row.inputText.toWellFormed();
  return {
    id: row.id,
    timestamp: row.timestamp,
    inputText: text === null || !cipher ? text : cipher.encrypt(text, row.id),
    predictedSentiment: row.sentiment,
    confidenceScore: row.confidence,
    latencyMs: row.latencyMs,
    modelVersion: row.modelVersion,
    cacheHit: row.cacheHit,
    jobId: row.jobId,
    itemIndex: row.itemIndex,
  };
}

/**
 * Refuses rows whose strings do not fit their varchar columns before anything is sent, naming the
 * column: Postgres' own error (22001) does not say which value was too long.
 */
export function rowChecker(orm: Orm): (rows: readonly NewPrediction[]) => void {
  const meta = orm.getMetadata().get<Prediction>(PredictionSchema.meta.className);
  const limited = Object.values(meta.properties).filter((p) => p.type === 'string' && typeof p.length === 'number');
  return (rows) => {
    for (const row of rows) {
      for (const prop of limited) {
        const value = row[FIELD[prop.name as keyof Prediction]];
        if (typeof value === 'string' && value.length > prop.length!) {
          const column = prop.fieldNames[0]!;
          throw new PermanentWriteError(
            `${column} is ${value.length} characters, longer than the column's ${prop.length} (value "${value.slice(0, 80)}", job ${row.jobId})`,
            { code: '22001', column, table: meta.tableName },
          );
        }
      }
    }
  };
}

/**
 * Rows in (job, item) order, cut into chunks of at most `size`: a job's rows stay together, so a chunk
 * locks few jobs (job-locks.ts), and inserts reach the indexes in order. Job ids are ASCII (uuids),
 * compared bytewise here as by Postgres' `collate "C"`.
 */
export function orderedChunks(rows: readonly NewPrediction[], size: number): NewPrediction[][] {
  const ordered = [...rows].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : a.itemIndex - b.itemIndex));
  const chunks: NewPrediction[][] = [];
  for (let start = 0; start < ordered.length; start += size) chunks.push(ordered.slice(start, start + size));
  return chunks;
}
