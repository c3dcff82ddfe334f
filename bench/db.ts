// npm run bench:db — rows/s into the predictions table (the rollup triggers included, as for every writer), at several rows per flush:
//   uow        the worker's default writer: MikroORM's unit of work (per chunk of at most batchSize 2,000 rows, one
//              transaction: table and job locks, the stored-rows lookup, em.create per row, one em.flush);
//   uow-300    the same with MikroORM's default batchSize (300 rows per INSERT);
//   sql        the alternative writer (DB_WRITER=sql): the same transaction with one json_to_recordset INSERT per flush;
//   copy       raw COPY … FROM STDIN (pg-copy-streams), the floor for getting rows into Postgres;
//   encrypted  the default writer with INPUT_TEXT_KEYS set (AES-256-GCM per text).
// Its own schema in database `test`, dropped at the end. Every measurement starts from empty tables.
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MikroORM } from '@mikro-orm/core';
import { createPredictionWriter, createTextCipher, initOrm, migrateUp, PredictionSchema, SENTIMENTS, type NewPrediction, type Orm, type Prediction } from '@sentiment/db';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { TEST_DATABASE_URL } from '../test/support/services.js';
import { benchTexts, median } from './texts.js';

/** Rows per flush and repetitions of each; 32 and 2,000 are the worker's own (see workerFlush). */
const SIZES: Array<[rows: number, reps: number]> = [[32, 15], [100, 15], [1000, 7], [2000, 5], [10_000, 3]];
/**
 * What the worker's row sink (apps/worker/src/row-sink.ts) flushes: the micro-batches waiting when a
 * flush starts, at least one batch (MAX_BATCH_SIZE, default 32), at most maxRowsPerFlush (default 2,000).
 */
const workerFlush = { oneBatch: 32, cap: 2000 };

const METHODS = ['uow', 'uow-300', 'sql', 'copy', 'encrypted'] as const;
type Method = (typeof METHODS)[number];

const pool = benchTexts(10_000);
function makeRows(n: number): NewPrediction[] {
  const jobId = randomUUID();
  const timestamp = new Date();
  return Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    timestamp,
    inputText: pool[i % pool.length]!,
    sentiment: SENTIMENTS[i % 3]!,
    confidence: 0.5 + (i % 500) / 1000,
    latencyMs: 2 + (i % 13) * 0.25,
    modelVersion: 'bench-model+00000000',
    cacheHit: i % 4 === 0,
    jobId,
    itemIndex: i,
  }));
}

const toEntity = (r: NewPrediction): Prediction => ({
  id: r.id,
  timestamp: r.timestamp,
  inputText: r.inputText,
  predictedSentiment: r.sentiment,
  confidenceScore: r.confidence,
  latencyMs: r.latencyMs,
  modelVersion: r.modelVersion,
  cacheHit: r.cacheHit,
  jobId: r.jobId,
  itemIndex: r.itemIndex,
});

// COPY's text format: tab-separated, \N for NULL, backslash escapes for \ tab newline and CR.
const copyText = (v: unknown): string => {
  if (v === null || v === undefined) return '\\N';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
};

async function copyRows(orm: Orm, table: string, columns: Array<[field: string, prop: keyof Prediction]>, rows: NewPrediction[]) {
  // A connection of the ORM's own pool (same driver and settings), used raw for the COPY protocol.
  const knex = orm.em.getConnection().getKnex();
  const client = (await knex.client.acquireConnection()) as Client;
  try {
    const sql = `copy ${table} (${columns.map(([f]) => `"${f}"`).join(', ')}) from stdin`;
    async function* lines() {
      for (let start = 0; start < rows.length; start += 500) {
        yield rows
          .slice(start, start + 500)
          .map((r) => {
            const e = toEntity(r);
            return `${columns.map(([, p]) => copyText(e[p])).join('\t')}\n`;
          })
          .join('');
      }
    }
    await pipeline(Readable.from(lines()), client.query(copyFrom(sql)));
  } finally {
    await knex.client.releaseConnection(client);
  }
}

async function main() {
  const schema = `bench_db_${randomBytes(4).toString('hex')}`;
  const orm = await initOrm({ clientUrl: TEST_DATABASE_URL, schema, poolMax: 4 });
  const conn = orm.em.getConnection();
  const others: MikroORM[] = [];
  try {
    await conn.execute(`create schema if not exists "${schema}"`);
    await migrateUp(orm);
    // ORMs on the same schema with other MikroORM settings, to measure each.
    const options = { clientUrl: TEST_DATABASE_URL, schema, poolMax: 4 };
    const orm300 = await initOrm({ ...options, batchSize: 300 });
    others.push(orm300);
    const cipher = createTextCipher([{ id: 'bench', key: randomBytes(32) }]);
    const writers = {
      uow: createPredictionWriter(orm),
      'uow-300': createPredictionWriter(orm300),
      sql: createPredictionWriter(orm, { kind: 'sql' }),
      encrypted: createPredictionWriter(orm, { textCipher: cipher }),
    };
    const meta = orm.getMetadata().get<Prediction>(PredictionSchema.meta.className);
    const columns = Object.values(meta.properties).map((p) => [p.fieldNames[0]!, p.name as keyof Prediction] as [string, keyof Prediction]);
    const table = `"${schema}"."${meta.tableName}"`;
    const tables = (await conn.execute<Array<{ tablename: string }>>(`select tablename from pg_tables where schemaname = ? and tablename like 'prediction%'`, [schema]))
      .map((t) => `"${schema}"."${t.tablename}"`)
      .join(', ');

    const write: Record<Method, (rows: NewPrediction[]) => Promise<unknown>> = {
      ...(Object.fromEntries(Object.entries(writers).map(([m, w]) => [m, (rows: NewPrediction[]) => w.insertMany(rows)])) as Record<keyof typeof writers, (rows: NewPrediction[]) => Promise<unknown>>),
      copy: (rows) => copyRows(orm, table, columns, rows),
    };

    /** One flush of `n` fresh rows into empty tables: rows/s (wall) and Node CPU µs per row. */
    async function measure(method: Method, n: number) {
      await conn.execute(`truncate ${tables}`);
      const rows = makeRows(n);
      const cpu = process.cpuUsage();
      const start = performance.now();
      await write[method](rows);
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      const [{ count }] = await conn.execute<Array<{ count: string }>>(`select count(*) from ${table}`);
      if (Number(count) !== n) throw new Error(`${method} stored ${count} of ${n} rows`);
      return { rowsPerS: n / seconds, cpuUsPerRow: (used.user + used.system) / n };
    }

    for (const m of METHODS) for (const n of [100, 1000]) await measure(m, n); // warm-up (JIT, pool, plans)

    console.log(`machine: ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at start`);
    console.log(`schema ${schema}; medians; "CPU" = this Node process' CPU time per row (what the worker would spend)\n`);
    const head = METHODS.map((m) => m.padStart(10)).join('');
    console.log(`rows/flush  reps |${head} | ÷ COPY: uow    sql | CPU µs/row:${head}`);
    const table1 = new Map<number, Record<Method, { rowsPerS: number; cpu: number }>>();
    for (const [n, reps] of SIZES) {
      const runs = Object.fromEntries(METHODS.map((m) => [m, [] as Array<{ rowsPerS: number; cpuUsPerRow: number }>])) as Record<Method, Array<{ rowsPerS: number; cpuUsPerRow: number }>>;
      // Interleaved, so drifting load on the (shared) machine hits every method alike.
      for (let r = 0; r < reps; r++) for (const m of METHODS) runs[m].push(await measure(m, n));
      const row = Object.fromEntries(
        METHODS.map((m) => [m, { rowsPerS: median(runs[m].map((x) => x.rowsPerS)), cpu: median(runs[m].map((x) => x.cpuUsPerRow)) }]),
      ) as Record<Method, { rowsPerS: number; cpu: number }>;
      table1.set(n, row);
      console.log(
        `${String(n).padStart(10)} ${String(reps).padStart(5)} |${METHODS.map((m) => row[m].rowsPerS.toFixed(0).padStart(10)).join('')} |` +
          `${(row.uow.rowsPerS / row.copy.rowsPerS).toFixed(2).padStart(12)}${(row.sql.rowsPerS / row.copy.rowsPerS).toFixed(2).padStart(7)} |` +
          `           ${METHODS.map((m) => row[m].cpu.toFixed(1).padStart(10)).join('')}`,
      );
    }
    console.log(
      `\nworker flush size (apps/worker/src/row-sink.ts): the micro-batches waiting when a flush starts, ` +
        `at least one (MAX_BATCH_SIZE ${workerFlush.oneBatch} rows) and at most ${workerFlush.cap} rows, 2 flushes in flight.`,
    );
    for (const n of [workerFlush.oneBatch, workerFlush.cap]) {
      const r = table1.get(n)!;
      console.log(
        `  ${n} rows per flush: unit of work ${r.uow.rowsPerS.toFixed(0)} rows/s = ${(r.uow.rowsPerS / r.sql.rowsPerS).toFixed(2)} × the SQL writer, ` +
          `${(r.uow.cpu - r.sql.cpu).toFixed(1)} µs more Node CPU per row; encrypted texts ${(r.encrypted.rowsPerS / r.uow.rowsPerS).toFixed(2)} × plaintext, ` +
          `+${(r.encrypted.cpu - r.uow.cpu).toFixed(1)} µs per row`,
      );
    }
    console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await conn.execute(`drop schema if exists "${schema}" cascade`);
    await Promise.all([orm, ...others].map((o) => o.close(true)));
  }
}

await main();
