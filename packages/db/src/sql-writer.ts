import { createHash } from 'node:crypto';
import type { Orm } from './config.js';
import { PredictionSchema, type Prediction } from './prediction.entity.js';
import { jobLocks, storedSince } from './job-locks.js';
import { orderedChunks, rowChecker, toEntityData } from './prediction-rows.js';
import type { PredictionWriter } from './prediction-writer.js';
import { permanentWriteError } from './write-errors.js';
import type { TextCipher } from './text-cipher.js';

/**
 * The alternative writer (`DB_WRITER=sql`): one hand-built statement per chunk over MikroORM's
 * connection, `INSERT … SELECT FROM json_to_recordset($1) WHERE NOT EXISTS (job, item) ORDER BY job, item`,
 * columns and types read from the entity metadata, after locking the chunk's jobs in the same transaction
 * (job-locks.ts: what keeps a retried job's rows from being stored twice). It skips the unit of work (no
 * entities, changesets or per-row parameters), which costs less Node CPU per row: docs/benchmarks.md has
 * both measured.
 */
export function createSqlWriter(orm: Orm, options: { rowsPerFlush?: number; textCipher?: TextCipher } = {}): PredictionWriter {
  const { textCipher } = options;
  // The rows travel as ONE json parameter (no 65,535-parameter limit), chunked like the unit of work's.
  const rowsPerStatement = Math.min(options.rowsPerFlush ?? Infinity, orm.config.get('batchSize'));
  const sql = insertSql(orm);
  // The text's hash as the name: two schemas' statements on one connection never collide.
  const name = `sentiment_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
  const checkRows = rowChecker(orm);

  return {
    async insertMany(rows) {
      if (rows.length === 0) return 0;
      checkRows(rows);
      const knex = orm.em.getConnection().getKnex();
      let inserted = 0;
      try {
        for (const chunk of orderedChunks(rows, rowsPerStatement)) {
          const json = JSON.stringify(chunk.map((row) => toEntityData(row, textCipher)));
          inserted += await knex.transaction(async (trx) => {
            const locks = jobLocks(orm, chunk);
            await trx.raw(locks.sql, locks.params);
            const since = storedSince(chunk)?.toISOString() ?? '-infinity';
            // A named prepared statement: Postgres parses and plans it once per connection, not per flush.
            const res = (await trx.raw(sql, [json, since]).options({ name })) as { rowCount: number };
            return res.rowCount;
          });
        }
      } catch (err) {
        throw permanentWriteError(err) ?? err;
      }
      return inserted;
    },
  };
}

function insertSql(orm: Orm): string {
  const meta = orm.getMetadata().get<Prediction>(PredictionSchema.meta.className);
  const schema = orm.config.get('schema');
  const table = schema ? `"${schema}"."${meta.tableName}"` : `"${meta.tableName}"`;
  const props = Object.values(meta.properties);
  const columns = props.map((p) => `"${p.fieldNames[0]}"`).join(', ');
  const record = props.map((p) => `"${p.name}" ${p.columnTypes[0]}`).join(', ');
  // The order of orderedChunks (bytewise job ids), kept inside the statement too.
  const order = `"jobId" collate "C", "itemIndex"`;
  // Stored rows are looked for from the chunk's jobs' creation on (storedSince): a day or two of partitions.
  const stored = `select 1 from ${table} p where p.job_id = r."jobId" and p.item_index = r."itemIndex" and p."timestamp" >= ?::timestamptz`;
  // ON CONFLICT is left for rows another client stored with the same id and time meanwhile.
  return `insert into ${table} (${columns}) select ${props.map((p) => `"${p.name}"`).join(', ')} from json_to_recordset(?::json) as r(${record}) where not exists (${stored}) order by ${order} on conflict do nothing`;
}
