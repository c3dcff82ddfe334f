import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm, listPartitions, migrateUp, migratorOf, type Orm } from '@sentiment/db';
import { seedPredictions } from '../scripts/seed-predictions.js';
import { TEST_DATABASE_URL } from './support/services.js';

// An existing deployment's table, loaded by `seed:predictions` before partitioning, converted by the
// migration: every row kept (same contents, compared by digest), the rollups untouched, and back on down.

const BEFORE_PARTITIONS = 'Migration20261207000000';
const PARTITIONS = 'Migration20261208000000';
const ROWS = 60_000;

describe('partitioning an existing predictions table', () => {
  const schema = `test_conv_${randomBytes(6).toString('hex')}`;
  let orm: Orm;

  beforeAll(async () => {
    await seedPredictions({ clientUrl: TEST_DATABASE_URL, schema, rows: ROWS, days: 5, end: new Date('2024-03-10T15:00:00Z'), migrateTo: BEFORE_PARTITIONS });
    orm = await initOrm({ clientUrl: TEST_DATABASE_URL, schema });
  }, 120_000);
  afterAll(async () => {
    await orm?.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await orm?.close(true);
  });

  const query = <T>(sql: string) => orm.em.fork().getConnection().execute<T[]>(sql);
  /** Row count and a digest of every column of every row, and of both rollup tables. */
  const snapshot = async () => {
    const [rows] = await query<{ n: number; digest: string }>(
      `select count(*)::int as n, md5(string_agg(p::text, '|' order by id)) as digest from "${schema}".predictions p`,
    );
    const [rollups] = await query<{ rollup: string; latency: string }>(
      `select (select md5(string_agg(r::text, '|' order by grain, bucket, model_version)) from "${schema}".prediction_rollup r) as rollup,
              (select md5(string_agg(l::text, '|' order by grain, bucket, model_version, bin)) from "${schema}".prediction_latency_rollup l) as latency`,
    );
    return { ...rows, ...rollups };
  };
  const kind = async () => (await query<{ relkind: string }>(`select relkind from pg_class where oid = '"${schema}".predictions'::regclass`))[0]!.relkind;

  it('keeps every row and the rollups as they were, one partition per day holding that day', async () => {
    const before = await snapshot();
    expect(before.n).toBe(ROWS);
    expect(await kind()).toBe('r');

    expect(await migrateUp(orm)).toEqual([PARTITIONS]);
    expect(await kind()).toBe('p');
    expect(await snapshot()).toEqual(before);

    // The seed's six calendar days (five days ending mid-afternoon), each in its own partition.
    const parts = await listPartitions(orm);
    const perPartition = await query<{ name: string; n: number; first: Date; last: Date }>(
      `select tableoid::regclass::text as name, count(*)::int as n, min("timestamp") as first, max("timestamp") as last from "${schema}".predictions group by 1 order by 3`,
    );
    expect(perPartition.map((p) => p.name.replace(/^.*\./, ''))).toEqual(
      ['20240305', '20240306', '20240307', '20240308', '20240309', '20240310'].map((d) => `predictions_${d}`),
    );
    for (const p of perPartition) {
      const bounds = parts.find((x) => p.name.endsWith(x.name))!;
      expect(new Date(p.first).getTime()).toBeGreaterThanOrEqual(bounds.from.getTime());
      expect(new Date(p.last).getTime()).toBeLessThan(bounds.to.getTime());
    }
    expect(perPartition.reduce((n, p) => n + p.n, 0)).toBe(ROWS);
  });

  it('converts back on down, again without losing a row', async () => {
    const partitioned = await snapshot();
    expect((await (await migratorOf(orm)).down()).map((m) => m.name)).toEqual([PARTITIONS]);
    expect(await kind()).toBe('r');
    expect(await snapshot()).toEqual(partitioned);
    expect(await migrateUp(orm)).toEqual([PARTITIONS]);
    expect(await snapshot()).toEqual(partitioned);
  });
});
