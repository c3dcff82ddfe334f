import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDown, migrateUp } from '@sentiment/db';
import { createTestSchema, type TestSchema } from './support/test-schema.js';

describe('migrations', () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema({ migrate: false });
  });
  afterAll(() => db?.drop());

  const columns = async () =>
    db.orm.em.getConnection().execute<{ column_name: string; data_type: string; is_nullable: string }[]>(
      `select column_name, data_type, is_nullable from information_schema.columns
       where table_schema = ? and table_name = 'prediction' order by column_name`,
      [db.schema],
    );
  const indexes = async () =>
    (
      await db.orm.em
        .getConnection()
        .execute<{ indexdef: string }[]>(`select indexdef from pg_indexes where schemaname = ? and tablename = 'prediction'`, [db.schema])
    ).map((r) => r.indexdef);

  it('creates the prediction table, with its indexes, in the configured schema', async () => {
    expect(await migrateUp(db.orm)).toHaveLength(1);

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
    const defs = (await indexes()).join('\n');
    expect(defs).toMatch(/UNIQUE INDEX .* USING btree \(job_id, item_index\)/);
    expect(defs).toMatch(/INDEX .* USING btree \("timestamp"\)/);
    expect(defs).toMatch(/INDEX .* USING btree \(predicted_sentiment\)/);
    expect(defs).toMatch(/INDEX .* USING btree \("timestamp", predicted_sentiment\)/);
  });

  it('is a no-op when already up to date', async () => {
    expect(await migrateUp(db.orm)).toEqual([]);
  });

  it('reverts everything on down and re-applies on up', async () => {
    expect(await migrateDown(db.orm)).toHaveLength(1);
    expect(await columns()).toEqual([]);

    expect(await migrateUp(db.orm)).toHaveLength(1);
    expect(await columns()).toHaveLength(10);
  });
});
