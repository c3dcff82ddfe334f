import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionWriter, migrateDown, migrateUp, migratorOf } from '@sentiment/db';
import { createTestSchema, type TestSchema } from './support/test-schema.js';
import { randomPredictions, seededRandom } from './support/predictions.js';
import { expectRollupsMatchRows } from './support/rollups.js';

const FIRST = 'Migration20261127030134';
const ROLLUPS = 'Migration20261127120000';
const RENAME = 'Migration20261206000000';
const TRIGGERS = 'Migration20261206120000';
const COMPARISONS = 'Migration20261207000000';
const PARTITIONS = 'Migration20261208000000';
const ALL = [FIRST, ROLLUPS, RENAME, TRIGGERS, COMPARISONS, PARTITIONS];

describe('migrations', () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema({ migrate: false });
  });
  afterAll(() => db?.drop());

  const columns = async (table = 'predictions') =>
    db.orm.em.getConnection().execute<{ column_name: string; data_type: string; is_nullable: string }[]>(
      `select column_name, data_type, is_nullable from information_schema.columns
       where table_schema = ? and table_name = ? order by column_name`,
      [db.schema, table],
    );
  const count = async (table: string) =>
    Number((await db.orm.em.getConnection().execute<{ n: string }[]>(`select count(*) as n from "${db.schema}"."${table}"`))[0]!.n);
  const indexes = async (table = 'predictions') =>
    (
      await db.orm.em
        .getConnection()
        .execute<{ indexdef: string }[]>(`select indexdef from pg_indexes where schemaname = ? and tablename = ?`, [db.schema, table])
    ).map((r) => r.indexdef);

  const down = async () => (await (await migratorOf(db.orm)).down()).map((m) => m.name);
  const partitions = async () =>
    (
      await db.orm.em.getConnection().execute<{ name: string }[]>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = ?::regclass order by 1`,
        [`"${db.schema}".predictions`],
      )
    ).map((r) => r.name);
  const day = (offset: number) => new Date(Math.floor(Date.now() / 86_400_000 + offset) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');

  it('creates the predictions table, its indexes and the rollup tables in the configured schema', async () => {
    expect(await migrateUp(db.orm)).toEqual(ALL);

    expect(await columns()).toEqual([
      { column_name: 'cache_hit', data_type: 'boolean', is_nullable: 'NO' },
      { column_name: 'confidence_score', data_type: 'double precision', is_nullable: 'NO' },
      { column_name: 'id', data_type: 'uuid', is_nullable: 'NO' },
      { column_name: 'input_text', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'item_index', data_type: 'integer', is_nullable: 'NO' },
      { column_name: 'job_id', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'latency_ms', data_type: 'double precision', is_nullable: 'NO' },
      { column_name: 'model_version', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'predicted_sentiment', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'timestamp', data_type: 'timestamp with time zone', is_nullable: 'NO' },
    ]);
    const defs = (await indexes()).sort();
    expect(defs).toHaveLength(4);
    // Partitioned: every unique index holds the partition key.
    expect(defs.join('\n')).toMatch(/UNIQUE INDEX .* USING btree \(job_id, item_index, "timestamp"\)/);
    expect(defs.join('\n')).toMatch(/UNIQUE INDEX predictions_pkey .* USING btree \(id, "timestamp"\)/);
    expect(defs.join('\n')).toMatch(/INDEX .* USING btree \("timestamp", id\)/);
    expect(defs.join('\n')).toMatch(/INDEX .* USING btree \(model_version, "timestamp", id\)/);
    // A partition per UTC day from yesterday to three days ahead, each with the parent's indexes.
    expect(await partitions()).toEqual([-1, 0, 1, 2, 3].map((k) => `predictions_${day(k)}`));
    expect(await indexes(`predictions_${day(0)}`)).toHaveLength(4);

    expect((await columns('prediction_rollup')).map((c) => c.column_name)).toEqual([
      'bucket', 'cache_hits', 'grain', 'max_latency_ms', 'model_version', 'n', 'n_negative', 'n_neutral', 'n_positive', 'sum_confidence', 'sum_latency_ms',
    ]);
    expect(await indexes('prediction_rollup')).toEqual([expect.stringMatching(/UNIQUE INDEX .* \(grain, bucket, model_version\)/)]);
    expect(await indexes('prediction_latency_rollup')).toEqual([expect.stringMatching(/UNIQUE INDEX .* \(grain, bucket, model_version, bin\)/)]);
  });

  it('matches the entities: the ORM sees nothing to change', async () => {
    // Computed, never run. The migrations table is the Migrator's own, not an entity.
    const diff = await db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, schema: db.schema });
    expect(diff.split('\n').filter((line) => line.trim() && !line.includes('mikro_orm_migrations'))).toEqual([]);
  });

  it('is a no-op when already up to date', async () => {
    expect(await migrateUp(db.orm)).toEqual([]);
  });

  it('reverts everything on down and re-applies on up', async () => {
    expect(await migrateDown(db.orm)).toEqual([...ALL].reverse());
    expect(await columns()).toEqual([]);
    expect(await columns('prediction_rollup')).toEqual([]);

    expect(await migrateUp(db.orm)).toHaveLength(ALL.length);
    expect(await columns()).toHaveLength(10);
  });

  it('creates model_comparisons and its rollups, and drops them on down', async () => {
    expect(await down()).toEqual([PARTITIONS]);
    expect((await columns('model_comparisons')).map((c) => c.column_name)).toEqual([
      'id', 'item_index', 'job_id', 'serving_confidence', 'serving_latency_ms', 'serving_sentiment', 'serving_version',
      'shadow_confidence', 'shadow_latency_ms', 'shadow_sentiment', 'shadow_version', 'timestamp',
    ]);
    const defs = (await indexes('model_comparisons')).join('\n');
    expect(defs).toMatch(/UNIQUE INDEX .* USING btree \(job_id, item_index, shadow_version\)/);
    expect(defs).toMatch(/INDEX .* USING btree \("timestamp"\)/);
    expect(await down()).toEqual([COMPARISONS]);
    expect(await columns('model_comparisons')).toEqual([]);
    expect(await columns('model_comparison_rollup')).toEqual([]);
    expect(await columns('model_comparison_latency_rollup')).toEqual([]);
    expect(await migrateUp(db.orm)).toEqual([COMPARISONS, PARTITIONS]);
  });

  it('keeps the rollups exact through triggers for rows any client writes, and stops on down', async () => {
    const conn = db.orm.em.getConnection();
    const insertSql = (n: number, at: string) =>
      `insert into "${db.schema}".predictions (id, "timestamp", predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index)
       select gen_random_uuid(), timestamptz '${at}' + i * interval '7 seconds', (array['negative','neutral','positive'])[1 + i % 3], 0.5 + (i % 50) / 100.0, i % 40, 'own-sql', i % 3 = 0, gen_random_uuid()::text, i
       from generate_series(1, ${n}) i`;
    // A user's own SQL, in a session whose search_path does not name the schema: the days it writes
    // need partitions (a missing one fails the insert, loudly).
    await expect(conn.execute(insertSql(10, '2024-05-02 08:00:00+00'))).rejects.toThrow(/no partition of relation "predictions" found/);
    await conn.execute(`set search_path to public; select "${db.schema}".predictions_create_partition(d, d + interval '1 day')
      from (values (timestamptz '2024-05-02 00:00:00+00'), (timestamptz '2024-05-03 00:00:00+00')) as days(d); reset search_path`);
    await conn.execute(`set search_path to public; ${insertSql(3_000, '2024-05-02 08:00:00+00')}; reset search_path`);
    await expectRollupsMatchRows(db);
    await conn.execute(`update "${db.schema}".predictions set latency_ms = latency_ms / 2, predicted_sentiment = 'neutral' where item_index % 4 = 0`);
    await expectRollupsMatchRows(db);
    await conn.execute(`delete from "${db.schema}".predictions where item_index % 5 = 0`);
    await expectRollupsMatchRows(db);
    await conn.execute(`truncate "${db.schema}".predictions`);
    expect(await count('prediction_rollup')).toBe(0);

    expect(await down()).toEqual([PARTITIONS]);
    expect(await down()).toEqual([COMPARISONS]);
    expect(await down()).toEqual([TRIGGERS]);
    await conn.execute(insertSql(10, '2024-05-03 08:00:00+00'));
    expect(await count('prediction_rollup')).toBe(0);
    await conn.execute(`truncate "${db.schema}".predictions`);
    expect(await migrateUp(db.orm)).toEqual([TRIGGERS, COMPARISONS, PARTITIONS]);
  });

  it('renames the table keeping its rows, and back on down', async () => {
    await createPredictionWriter(db.orm).insertMany(randomPredictions(300, seededRandom(6), new Date('2024-04-01T00:00:00Z'), 3600 * 1000));
    expect(await down()).toEqual([PARTITIONS]);
    expect(await down()).toEqual([COMPARISONS]);
    expect(await down()).toEqual([TRIGGERS]);
    expect(await down()).toEqual([RENAME]);
    expect(await count('prediction')).toBe(300);
    expect((await indexes('prediction')).join('\n')).toMatch(/prediction_timestamp_id_index/);
    expect(await migrateUp(db.orm)).toEqual([RENAME, TRIGGERS, COMPARISONS, PARTITIONS]);
    expect(await count('predictions')).toBe(300);
    expect((await indexes()).join('\n')).not.toMatch(/"?prediction_(?!latency|rollup)/);
    await expectRollupsMatchRows(db);
    await db.orm.em.getConnection().execute(`truncate "${db.schema}".predictions, "${db.schema}".prediction_rollup, "${db.schema}".prediction_latency_rollup`);
  });

  it('backfills the rollups from rows stored before it, and down restores the old indexes', async () => {
    expect(await down()).toEqual([PARTITIONS]);
    expect(await down()).toEqual([COMPARISONS]);
    expect(await down()).toEqual([TRIGGERS]);
    expect(await down()).toEqual([RENAME]);
    expect(await down()).toEqual([ROLLUPS]);
    expect((await indexes('prediction')).join('\n')).toMatch(/prediction_timestamp_predicted_sentiment_index/);
    // Rows written before the rollups existed (the writer needs them, so plain SQL here).
    const rows = randomPredictions(2_000, seededRandom(7), new Date('2024-05-01T20:00:00Z'), 2 * 24 * 3600 * 1000);
    await db.orm.em.getConnection().execute(
      `insert into "${db.schema}".prediction (id, "timestamp", input_text, predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index)
       select * from json_to_recordset(?::json) as r(id uuid, "timestamp" timestamptz, "inputText" text, sentiment varchar, confidence float8, "latencyMs" float8, "modelVersion" varchar, "cacheHit" boolean, "jobId" varchar, "itemIndex" int)`,
      [JSON.stringify(rows)],
    );
    expect(await migrateUp(db.orm)).toEqual([ROLLUPS, RENAME, TRIGGERS, COMPARISONS, PARTITIONS]);
    await expectRollupsMatchRows(db);
    // ...and the writer carries on from there.
    await createPredictionWriter(db.orm).insertMany(randomPredictions(500, seededRandom(8), new Date('2024-05-02T00:00:00Z'), 3600 * 1000));
    await expectRollupsMatchRows(db);
  });
});

describe('npm run migrate', () => {
  it('migrates the schema DATABASE_SCHEMA names, as the apps read it, not public', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { randomBytes } = await import('node:crypto');
    const { initOrm } = await import('@sentiment/db');
    const { TEST_DATABASE_URL } = await import('./support/test-schema.js');
    const schema = `test_cli_${randomBytes(6).toString('hex')}`;
    const orm = await initOrm({ clientUrl: TEST_DATABASE_URL });
    try {
      await promisify(execFile)('npm', ['run', '--silent', 'migrate'], { env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } });
      const tables = await orm.em
        .getConnection()
        .execute<{ table_name: string }[]>('select table_name from information_schema.tables where table_schema = ? order by 1', [schema]);
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['mikro_orm_migrations', 'predictions', 'prediction_rollup']));
    } finally {
      await orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await orm.close(true);
    }
  }, 120_000);
});
