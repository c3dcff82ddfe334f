import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { SENTIMENTS } from '@sentiment/core';
import type { Orm } from './config.js';
import { ModelComparisonSchema, type ModelComparison } from './model-comparison.entity.js';
import { PermanentWriteError, permanentWriteError } from './write-errors.js';

/**
 * One shadow answer next to the serving answer for the same item (a row of `model_comparisons`). `id` is
 * derived from (jobId, itemIndex, shadowVersion) when absent, so a retried write carries the same id.
 */
export type ModelComparisonRow = Omit<ModelComparison, 'id'> & { id?: string };

export interface ComparisonWriter {
  /** Stores the rows whose (jobId, itemIndex, shadowVersion) is not stored yet; the others are left as they are. */
  write(rows: readonly ModelComparisonRow[]): Promise<void>;
}

export interface ComparisonWriterOptions {
  /** Rows per flush (one INSERT); never more than the ORM's `batchSize`. */
  batchSize?: number;
}

/** A flush that keeps meeting rows other writers store at that moment gives up after this many tries. */
const MAX_ATTEMPTS = 8;

const sentiments: ReadonlySet<string> = new Set(SENTIMENTS);

/** A name-based uuid (version 5 layout) of the row's key. */
function comparisonId(row: ModelComparisonRow): string {
  const h = createHash('sha1').update(`model_comparison\u0000${row.jobId}\u0000${row.itemIndex}\u0000${row.shadowVersion}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const keyOf = (r: { jobId: string; itemIndex: number; shadowVersion: string }) => `${r.itemIndex} ${r.shadowVersion} ${r.jobId}`;

/**
 * Writes comparison rows through MikroORM's unit of work, like the prediction writer
 * (unit-of-work-writer.ts): per chunk of at most `batchSize` rows a forked EntityManager, `em.create` per
 * row and one `flush()` (one multi-row INSERT). Idempotent: a flush meeting a stored key fails as a whole
 * on the unique index, the chunk's stored keys are looked up and the rest is flushed again. Rows go in in
 * key order, so two writers storing the same rows wait for each other instead of deadlocking. The rollups
 * follow through the table's triggers. Errors retrying cannot fix become PermanentWriteError.
 */
export function createComparisonWriter(orm: Orm, options: ComparisonWriterOptions = {}): ComparisonWriter {
  const batchSize = Math.min(options.batchSize ?? Infinity, orm.config.get('batchSize'));
  const checkRows = rowChecker(orm);

  return {
    async write(rows) {
      if (rows.length === 0) return;
      checkRows(rows);
      const ordered = [...rows]
        .map((r) => ({ ...r, id: r.id ?? comparisonId(r) }))
        .sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : a.itemIndex - b.itemIndex || (a.shadowVersion < b.shadowVersion ? -1 : a.shadowVersion > b.shadowVersion ? 1 : 0)));
      try {
        for (let start = 0; start < ordered.length; start += batchSize) await storeChunk(ordered.slice(start, start + batchSize));
      } catch (err) {
        throw permanentWriteError(err, 'comparison rows') ?? err;
      }
    },
  };

  async function storeChunk(chunk: ModelComparison[]): Promise<void> {
    let pending = chunk;
    for (let attempt = 1; ; attempt++) {
      try {
        const em = orm.em.fork();
        for (const row of pending) em.create(ModelComparisonSchema, row);
        await em.flush();
        return;
      } catch (err) {
        if (!(err instanceof UniqueConstraintViolationException) || attempt === MAX_ATTEMPTS) throw err;
        pending = await withoutStored(pending);
        if (pending.length === 0) return;
      }
    }
  }

  /** `rows` minus those whose id or key is stored. */
  async function withoutStored(rows: ModelComparison[]): Promise<ModelComparison[]> {
    const distinct = <T>(values: T[]) => [...new Set(values)];
    const stored = await orm.em.fork().find(
      ModelComparisonSchema,
      {
        $or: [
          { id: { $in: rows.map((r) => r.id) } },
          {
            jobId: { $in: distinct(rows.map((r) => r.jobId)) },
            itemIndex: { $in: distinct(rows.map((r) => r.itemIndex)) },
            shadowVersion: { $in: distinct(rows.map((r) => r.shadowVersion)) },
          },
        ],
      },
      { fields: ['id', 'jobId', 'itemIndex', 'shadowVersion'] },
    );
    const ids = new Set(stored.map((s) => s.id));
    const keys = new Set(stored.map(keyOf));
    return rows.filter((r) => !ids.has(r.id) && !keys.has(keyOf(r)));
  }
}

/** Refuses rows Postgres would refuse (a string longer than its column) or that would skew the rollups (an unknown sentiment), naming the column. */
function rowChecker(orm: Orm): (rows: readonly ModelComparisonRow[]) => void {
  const meta = orm.getMetadata().get<ModelComparison>(ModelComparisonSchema.meta.className);
  const limited = Object.values(meta.properties).filter((p) => p.type === 'string' && typeof p.length === 'number');
  const refuse = (message: string, code: string, column: string) => new PermanentWriteError(message, { code, column, table: meta.tableName });
  return (rows) => {
    for (const row of rows) {
      for (const prop of limited) {
        const value = row[prop.name as keyof ModelComparisonRow];
        if (typeof value === 'string' && value.length > prop.length!) {
          const column = prop.fieldNames[0]!;
          throw refuse(`${column} is ${value.length} characters, longer than the column's ${prop.length} (job ${row.jobId})`, '22001', column);
        }
      }
      for (const [field, column] of [['servingSentiment', 'serving_sentiment'], ['shadowSentiment', 'shadow_sentiment']] as const) {
        if (!sentiments.has(row[field])) {
          throw refuse(`${column} "${String(row[field]).slice(0, 40)}" is not one of ${SENTIMENTS.join(', ')} (job ${row.jobId})`, 'invalid_row', column);
        }
      }
    }
  };
}
