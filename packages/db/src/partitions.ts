import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from './config.js';
import { qualifiedName, rollupNames } from './rollup-sql.js';

/**
 * `predictions` is partitioned by range of "timestamp", one partition per UTC day (Migration20261208000000).
 * Measured against monthly partitions and no partitions in docs/benchmarks.md ("Partitioned predictions"):
 * days keep retention's granularity at one day and each partition's indexes small.
 */
export const PARTITION_WIDTH_MS = 24 * 3600 * 1000;
/** The maintenance job keeps this many days of partitions ahead of today. */
export const PARTITIONS_AHEAD_DAYS = 3;
/** DDL on the partitioned table waits for running queries; it gives up after this and the next run retries. */
const LOCK_TIMEOUT = '5s';

export interface Partition {
  name: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

const BOUNDS = String.raw`FROM \('([^']+)'\) TO \('([^']+)'\)`;

/** The partitions of `predictions`, oldest first; in `em`'s transaction when it has one. */
export async function listPartitions(orm: Orm, em: EntityManager = orm.em.fork()): Promise<Partition[]> {
  const rows = await em.getConnection().execute<{ name: string; from: Date; to: Date }[]>(
    `select c.relname as name, (b.m)[1]::timestamptz as "from", (b.m)[2]::timestamptz as "to"
     from pg_inherits i join pg_class c on c.oid = i.inhrelid
     cross join lateral (select regexp_match(pg_get_expr(c.relpartbound, c.oid), ?) as m) b
     where i.inhparent = ?::regclass order by 2`,
    [BOUNDS, qualifiedName(orm, 'predictions')],
    'all',
    em.getTransactionContext(),
  );
  return rows.map((r) => ({ name: r.name, from: new Date(r.from), to: new Date(r.to) }));
}

/**
 * Creates the missing day partitions covering [from, to] (every UTC day either instant falls in, and
 * those between); returns the names created. Concurrent callers (writers, the maintenance job) take
 * turns on an advisory lock, so a day is created once. A table not partitioned (a schema migrated only
 * up to Migration20261207000000) needs none: nothing is created.
 */
export async function ensurePartitions(orm: Orm, from: Date, to: Date): Promise<string[]> {
  const first = Math.floor(from.getTime() / PARTITION_WIDTH_MS);
  const last = Math.floor(to.getTime() / PARTITION_WIDTH_MS);
  if (!(first <= last)) throw new RangeError(`invalid partition range: ${from.toISOString()} to ${to.toISOString()}`);
  return orm.em.fork().transactional(async (em) => {
    const conn = em.getConnection();
    const ctx = em.getTransactionContext();
    await conn.execute(`set local lock_timeout = '${LOCK_TIMEOUT}'`, [], 'run', ctx);
    const [table] = await conn.execute<{ partitioned: boolean }[]>(
      `select relkind = 'p' as partitioned from pg_class where oid = ?::regclass`, [qualifiedName(orm, 'predictions')], 'all', ctx);
    if (!table?.partitioned) return [];
    await conn.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`${qualifiedName(orm, 'predictions')} partitions`], 'run', ctx);
    const covered = (await listPartitions(orm, em)).filter((p) => p.to.getTime() > first * PARTITION_WIDTH_MS && p.from.getTime() <= last * PARTITION_WIDTH_MS);
    const created: string[] = [];
    for (let day = first; day <= last; day++) {
      const lo = day * PARTITION_WIDTH_MS;
      if (covered.some((p) => p.from.getTime() <= lo && lo < p.to.getTime())) continue;
      const [row] = await conn.execute<{ name: string }[]>(
        `select predictions_create_partition(?::timestamptz, ?::timestamptz) as name`,
        [new Date(lo).toISOString(), new Date(lo + PARTITION_WIDTH_MS).toISOString()],
        'all',
        ctx,
      );
      created.push(row!.name);
    }
    return created;
  });
}

export interface DroppedPartitions {
  /** Names of the partitions dropped, oldest first. */
  partitions: string[];
  /** Rows they held (from the day rollups, which count every row). */
  rows: number;
}

/**
 * Drops every partition whose whole range is older than `cutoff`: each in its own short transaction
 * that locks the table (parent first, as every query does, so no deadlock), counts the partition's rows
 * from the day rollups, TRUNCATEs it (its trigger takes exactly its days out of the rollups) and DROPs
 * it. No row is deleted one by one, so nothing is left to vacuum. While queries run, the lock waits up
 * to the lock timeout, new queries waiting behind it; past that the partition is left for a later run.
 */
export async function dropPartitionsBefore(orm: Orm, cutoff: Date): Promise<DroppedPartitions> {
  const expired = (await listPartitions(orm)).filter((p) => p.to.getTime() <= cutoff.getTime());
  const dropped: DroppedPartitions = { partitions: [], rows: 0 };
  for (const p of expired) {
    const rows = await orm.em.fork().transactional(async (em) => {
      const conn = em.getConnection();
      const ctx = em.getTransactionContext();
      await conn.execute(`set local lock_timeout = '${LOCK_TIMEOUT}'`, [], 'run', ctx);
      await conn.execute(`lock table ${qualifiedName(orm, 'predictions')} in access exclusive mode`, [], 'run', ctx);
      const table = qualifiedName(orm, p.name);
      // A concurrent run may have dropped it while this one waited for the lock.
      const [exists] = await conn.execute<{ oid: string | null }[]>(`select to_regclass(?) as oid`, [table], 'all', ctx);
      if (!exists?.oid) return undefined;
      const [count] = await conn.execute<{ n: string | null }[]>(
        `select sum(n) as n from ${rollupNames(orm).rollup} where grain = 'day' and bucket >= ? and bucket < ?`,
        [p.from, p.to],
        'all',
        ctx,
      );
      await conn.execute(`truncate ${table}`, [], 'run', ctx);
      await conn.execute(`drop table ${table}`, [], 'run', ctx);
      return Number(count?.n ?? 0);
    });
    if (rows === undefined) continue;
    dropped.partitions.push(p.name);
    dropped.rows += rows;
  }
  return dropped;
}
