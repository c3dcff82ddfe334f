import { Migration } from '@mikro-orm/migrations';

// The rollups follow the rows through statement-level triggers with transition tables, so every way of
// writing rows keeps them exact: the worker's unit of work, COPY (seed:predictions), retention's deletes,
// a user's own SQL. Until now the writer's and retention's statements carried the rollup arithmetic.
// Deploy note: stop workers running older code before migrating (their statements add the rollups too).
// The SQL is spelled out here, not imported, so this migration keeps doing what it did when code changes.

const GRAINS = `(values ('minute', interval '1 minute'), ('10min', interval '10 minutes'), ('hour', interval '1 hour'), ('day', interval '24 hours')) as g(grain, width)`;
const BUCKET = `date_bin(g.width, c.minute, timestamptz '2000-01-01 00:00:00+00')`;
const WIDTH = { minute: `interval '1 minute'`, '10min': `interval '10 minutes'`, hour: `interval '1 hour'`, day: `interval '24 hours'` } as const;

/** Rows of a transition table folded into cells: one per UTC minute, model version and latency bin. */
const cells = (rows: string) => `select date_trunc('minute', "timestamp", 'UTC') as minute, model_version, prediction_latency_bin(latency_ms) as bin,
      count(*) as n,
      count(*) filter (where predicted_sentiment = 'negative') as n_negative,
      count(*) filter (where predicted_sentiment = 'neutral') as n_neutral,
      count(*) filter (where predicted_sentiment = 'positive') as n_positive,
      count(*) filter (where cache_hit) as cache_hits,
      sum(confidence_score) as sum_confidence, sum(latency_ms) as sum_latency_ms, max(latency_ms) as max_latency_ms
    from ${rows} group by 1, 2, 3`;

/**
 * Adds (sign 1) or subtracts (sign -1) the cells of `rows` to both rollup tables, in one statement.
 * Keys are upserted in one fixed order (grain, bucket, model, bin), so concurrent statements wait for
 * each other's keys but never deadlock. Subtracting leaves max_latency_ms for `tidy` to recompute.
 */
function apply(rows: string, sign: 1 | -1): string {
  const s = sign === 1 ? '' : '-';
  const zeroed = (column: string) => `case when t.n + excluded.n = 0 then 0 else t.${column} + excluded.${column} end`;
  return `with c as (${cells(rows)}),
    r as (
      insert into prediction_rollup as t
        (grain, bucket, model_version, n, n_negative, n_neutral, n_positive, cache_hits, sum_confidence, sum_latency_ms, max_latency_ms)
      select g.grain, ${BUCKET}, c.model_version,
        ${s}sum(c.n)::bigint, ${s}sum(c.n_negative)::bigint, ${s}sum(c.n_neutral)::bigint, ${s}sum(c.n_positive)::bigint,
        ${s}sum(c.cache_hits)::bigint, ${s}sum(c.sum_confidence), ${s}sum(c.sum_latency_ms), ${sign === 1 ? 'max(c.max_latency_ms)' : 'null::double precision'}
      from c cross join ${GRAINS}
      group by 1, 2, 3 order by 1, 2, 3
      on conflict (grain, bucket, model_version) do update set
        n = t.n + excluded.n, n_negative = t.n_negative + excluded.n_negative, n_neutral = t.n_neutral + excluded.n_neutral,
        n_positive = t.n_positive + excluded.n_positive, cache_hits = t.cache_hits + excluded.cache_hits,
        sum_confidence = ${zeroed('sum_confidence')}, sum_latency_ms = ${zeroed('sum_latency_ms')},
        max_latency_ms = case when t.n + excluded.n = 0 then null else greatest(t.max_latency_ms, excluded.max_latency_ms) end
    )
    insert into prediction_latency_rollup as t (grain, bucket, model_version, bin, n)
    select g.grain, ${BUCKET}, c.model_version, c.bin, ${s}sum(c.n)::bigint
    from c cross join ${GRAINS}
    group by 1, 2, 3, 4 order by 1, 2, 3, 4
    on conflict (grain, bucket, model_version, bin) do update set n = t.n + excluded.n;`;
}

/**
 * After rows leave (or change), over the buckets holding [oldest, newest]: emptied buckets go, and the
 * maxima of those still holding rows (a maximum cannot be subtracted) are recomputed, minutes from the
 * rows, each coarser grain from the one below.
 */
function tidy(): string {
  const span = (grain: keyof typeof WIDTH) =>
    `grain = '${grain}' and bucket >= date_bin(${WIDTH[grain]}, oldest, timestamptz '2000-01-01 00:00:00+00') and bucket <= newest`;
  const purge = (table: string) =>
    `delete from ${table} where n = 0 and bucket >= date_bin(${WIDTH.day}, oldest, timestamptz '2000-01-01 00:00:00+00') and bucket <= newest;`;
  const fromFiner = (grain: keyof typeof WIDTH, finer: keyof typeof WIDTH) =>
    `update prediction_rollup t set max_latency_ms = (select max(f.max_latency_ms) from prediction_rollup f
       where f.grain = '${finer}' and f.model_version = t.model_version and f.bucket >= t.bucket and f.bucket < t.bucket + ${WIDTH[grain]})
     where ${span(grain)};`;
  return [
    purge('prediction_rollup'),
    purge('prediction_latency_rollup'),
    `update prediction_rollup t set max_latency_ms = (select max(p.latency_ms) from predictions p
       where p.model_version = t.model_version and p."timestamp" >= t.bucket and p."timestamp" < t.bucket + interval '1 minute')
     where ${span('minute')};`,
    fromFiner('10min', 'minute'),
    fromFiner('hour', '10min'),
    fromFiner('day', 'hour'),
  ].join('\n    ');
}

// `set search_path from current`: the function finds the tables of the schema it was created in, whatever
// the search_path of the session that writes rows (psql, a COPY, another program).
const FUNCTION = `create function predictions_rollup_maintain() returns trigger
  language plpgsql set search_path from current as $$
  declare
    oldest timestamptz;
    newest timestamptz;
  begin
    if tg_op = 'INSERT' then
      ${apply('new_rows', 1)}
      return null;
    end if;
    select min("timestamp"), max("timestamp") into oldest, newest from old_rows;
    if oldest is null then
      return null;
    end if;
    ${apply('old_rows', -1)}
    if tg_op = 'UPDATE' then
      ${apply('new_rows', 1)}
    end if;
    ${tidy()}
    return null;
  end $$;`;

const TRUNCATE_FUNCTION = `create function predictions_rollup_truncate() returns trigger
  language plpgsql set search_path from current as $$
  begin
    delete from prediction_rollup;
    delete from prediction_latency_rollup;
    return null;
  end $$;`;

export class Migration20261206120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(FUNCTION);
    this.addSql(TRUNCATE_FUNCTION);
    this.addSql(`create trigger predictions_rollup_insert after insert on predictions
      referencing new table as new_rows for each statement execute function predictions_rollup_maintain();`);
    this.addSql(`create trigger predictions_rollup_delete after delete on predictions
      referencing old table as old_rows for each statement execute function predictions_rollup_maintain();`);
    this.addSql(`create trigger predictions_rollup_update after update on predictions
      referencing old table as old_rows new table as new_rows for each statement execute function predictions_rollup_maintain();`);
    this.addSql(`create trigger predictions_rollup_truncate after truncate on predictions
      for each statement execute function predictions_rollup_truncate();`);
  }

  override async down(): Promise<void> {
    for (const op of ['insert', 'delete', 'update', 'truncate']) this.addSql(`drop trigger if exists predictions_rollup_${op} on predictions;`);
    this.addSql(`drop function if exists predictions_rollup_maintain();`);
    this.addSql(`drop function if exists predictions_rollup_truncate();`);
  }

}
