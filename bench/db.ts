// npm run bench:db — rows/s into the predictions table by three paths (and the writer with encrypted texts), at several rows per flush:
//   (1) MikroORM's unit of work (em.create per row + one em.flush),
//   (2) the worker's writer, createPredictionWriter(orm).insertMany (json_to_recordset + rollups),
//   (3) raw COPY … FROM STDIN (pg-copy-streams), the floor for getting rows into Postgres.
// Its own schema in database `test`, dropped at the end. Every measurement starts from empty tables.
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createPredictionWriter, createTextCipher, initOrm, migrateUp, PredictionSchema, SENTIMENTS, type NewPrediction, type Orm, type Prediction } from '@sentiment/db';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { TEST_DATABASE_URL } from '../test/support/stack.js';
import { benchTexts, median } from './texts.js';

/** Rows per flush and repetitions of each; 32 and 2,000 are the worker's own (see workerFlush). */
const SIZES: Array<[rows: number, reps: number]> = [[32, 15], [100, 15], [1000, 7], [2000, 5], [10_000, 3]];
/**
 * What the worker's row sink (apps/worker/src/row-sink.ts) flushes: the micro-batches waiting when a
 * flush starts, at least one batch (MAX_BATCH_SIZE, default 32), at most maxRowsPerFlush (default 2,000).
 */
const workerFlush = { oneBatch: 32, cap: 2000 };

type Method = 'uow' | 'writer' | 'copy' | 'encrypted';
const METHODS: Method[] = ['uow', 'writer', 'copy', 'encrypted'];

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
  try {
    await conn.execute(`create schema if not exists "${schema}"`);
    await migrateUp(orm);
    const writer = createPredictionWriter(orm);
    // The same writer with INPUT_TEXT_KEYS set: every input text sealed with AES-256-GCM before it is sent.
    const encryptingWriter = createPredictionWriter(orm, { textCipher: createTextCipher([{ id: 'bench', key: randomBytes(32) }]) });
    const meta = orm.getMetadata().get<Prediction>(PredictionSchema.meta.className);
    const columns = Object.values(meta.properties).map((p) => [p.fieldNames[0]!, p.name as keyof Prediction] as [string, keyof Prediction]);
    const table = `"${schema}"."${meta.tableName}"`;
    const tables = (await conn.execute<Array<{ tablename: string }>>(`select tablename from pg_tables where schemaname = ? and tablename like 'prediction%'`, [schema]))
      .map((t) => `"${schema}"."${t.tablename}"`)
      .join(', ');

    const write: Record<Method, (rows: NewPrediction[]) => Promise<unknown>> = {
      async uow(rows) {
        const em = orm.em.fork();
        for (const r of rows) em.create(PredictionSchema, toEntity(r));
        await em.flush();
      },
      writer: (rows) => writer.insertMany(rows),
      encrypted: (rows) => encryptingWriter.insertMany(rows),
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
    console.log('rows/flush  reps   UoW rows/s  writer rows/s   COPY rows/s   UoW/COPY  writer/COPY   CPU µs/row: UoW  writer  COPY');
    const ratios = new Map<number, number>();
    const encryption: Array<[rows: number, rowsPerS: number, ofPlain: number, extraCpuUs: number]> = [];
    for (const [n, reps] of SIZES) {
      const runs: Record<Method, Array<{ rowsPerS: number; cpuUsPerRow: number }>> = { uow: [], writer: [], copy: [], encrypted: [] };
      // Interleaved, so drifting load on the (shared) machine hits all three alike.
      for (let r = 0; r < reps; r++) for (const m of METHODS) runs[m].push(await measure(m, n));
      const rps = (m: Method) => median(runs[m].map((x) => x.rowsPerS));
      const cpu = (m: Method) => median(runs[m].map((x) => x.cpuUsPerRow));
      ratios.set(n, rps('writer') / rps('copy'));
      encryption.push([n, rps('encrypted'), rps('encrypted') / rps('writer'), cpu('encrypted') - cpu('writer')]);
      console.log(
        `${String(n).padStart(10)} ${String(reps).padStart(5)} ${rps('uow').toFixed(0).padStart(12)} ${rps('writer').toFixed(0).padStart(14)} ` +
          `${rps('copy').toFixed(0).padStart(13)} ${(rps('uow') / rps('copy')).toFixed(2).padStart(10)} ${(rps('writer') / rps('copy')).toFixed(2).padStart(12)}` +
          `   ${cpu('uow').toFixed(1).padStart(15)} ${cpu('writer').toFixed(1).padStart(7)} ${cpu('copy').toFixed(1).padStart(5)}`,
      );
    }
    console.log('\ninput texts encrypted at rest (INPUT_TEXT_KEYS, AES-256-GCM per row), same writer:');
    for (const [n, rowsPerS, ofPlain, extraCpuUs] of encryption) {
      console.log(`  ${String(n).padStart(6)} rows/flush: ${rowsPerS.toFixed(0)} rows/s (${ofPlain.toFixed(2)} × plaintext), +${extraCpuUs.toFixed(1)} µs of CPU per row`);
    }
    console.log(
      `\nworker flush size (apps/worker/src/row-sink.ts): the micro-batches waiting when a flush starts, ` +
        `at least one (MAX_BATCH_SIZE ${workerFlush.oneBatch} rows) and at most ${workerFlush.cap} rows, 2 flushes in flight.`,
    );
    for (const n of [workerFlush.oneBatch, workerFlush.cap]) {
      const ratio = ratios.get(n)!;
      console.log(`  writer/COPY at ${n} rows per flush: ${ratio.toFixed(2)} (target ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
    }
    console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await conn.execute(`drop schema if exists "${schema}" cascade`);
    await orm.close(true);
  }
}

await main();
