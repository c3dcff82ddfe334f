import type { Orm } from './config.js';

/** What a server says of its own replication, read on the server itself. */
export interface ReplicationStatus {
  /** `pg_is_in_recovery()`: true on a standby (a replica), false on a primary (or a promoted standby). */
  inRecovery: boolean;
  /**
   * Seconds the standby's replayed data is behind: 0 when it has replayed all it received
   * (`pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()`, so an idle primary does not look like lag),
   * else `now() - pg_last_xact_replay_timestamp()`. Null when not in recovery, or when nothing was
   * replayed yet (unknown).
   */
  lagS: number | null;
}

/** One round trip; rejects when the server does not answer (the caller bounds the wait). */
export async function replicationStatus(orm: Orm): Promise<ReplicationStatus> {
  const [row] = await orm.em.getConnection().execute<Array<{ in_recovery: boolean; lag_s: string | number | null }>>(
    `select pg_is_in_recovery() as in_recovery,
            case when not pg_is_in_recovery() then null
                 when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                 else greatest(0, extract(epoch from now() - pg_last_xact_replay_timestamp()))
            end as lag_s`,
    [],
    'all',
  );
  return { inRecovery: row!.in_recovery, lagS: row!.lag_s === null ? null : Number(row!.lag_s) };
}
