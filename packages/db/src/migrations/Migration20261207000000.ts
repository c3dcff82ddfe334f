import { Migration } from '@mikro-orm/migrations';

// Shadow runs (model-comparison.entity.ts): a second model version answers the serving version's texts,
// and each pair is stored in `model_comparisons`, apart from `predictions`, so it never reaches the
// serving analytics. Two rollups follow the rows through statement-level triggers with transition
// tables, exactly like those of `predictions` (Migration20261206120000): pairs per grain, version pair and
// answer pair, and a latency histogram per side (`prediction_latency_bin`, Migration20261127120000).
// The SQL is spelled out here, not imported, so this migration keeps doing what it did when code changes.

const GRAINS = `(values ('minute', interval '1 minute'), ('10min', interval '10 minutes'), ('hour', interval '1 hour'), ('day', interval '24 hours')) as g(grain, width)`;
const BUCKET = (cells: string) => `date_bin(g.width, ${cells}.minute, timestamptz '2000-01-01 00:00:00+00')`;
const WIDTH = { minute: `interval '1 minute'`, '10min': `interval '10 minutes'`, hour: `interval '1 hour'`, day: `interval '24 hours'` } as const;
const KEY = 'serving_version, shadow_version, serving_sentiment, shadow_sentiment';

/** Rows of a transition table folded into cells: one per UTC minute, version pair and answer pair. */
const cells = (rows: string) => `select date_trunc('minute', "timestamp", 'UTC') as minute, ${KEY},
      count(*) as n, sum(serving_confidence) as sum_serving_confidence, sum(shadow_confidence) as sum_shadow_confidence,
      max(serving_latency_ms) as max_serving_latency_ms, max(shadow_latency_ms) as max_shadow_latency_ms
    from ${rows} group by 1, 2, 3, 4, 5`;

/** ...and into latency cells: one per UTC minute, version pair, side and latency bin. */
const bins = (rows: string) => `select date_trunc('minute', r."timestamp", 'UTC') as minute, r.serving_version, r.shadow_version, s.side, s.bin, count(*) as n
    from ${rows} r cross join lateral (values ('serving', prediction_latency_bin(r.serving_latency_ms)), ('shadow', prediction_latency_bin(r.shadow_latency_ms))) as s(side, bin)
    group by 1, 2, 3, 4, 5`;

/**
 * Adds (sign 1) or subtracts (sign -1) the cells of `rows` to both rollup tables, in one statement,
 * keys upserted in one fixed order (so concurrent statements never deadlock). Subtracting leaves the
 * maxima for `tidy` to recompute.
 */
function apply(rows: string, sign: 1 | -1): string {
  const s = sign === 1 ? '' : '-';
  const zeroed = (column: string) => `case when t.n + excluded.n = 0 then 0 else t.${column} + excluded.${column} end`;
  const max = (column: string) => (sign === 1 ? `max(c.${column})` : 'null::double precision');
  const keepMax = (column: string) => `${column} = case when t.n + excluded.n = 0 then null else greatest(t.${column}, excluded.${column}) end`;
  return `with c as (${cells(rows)}),
    h as (${bins(rows)}),
    r as (
      insert into model_comparison_rollup as t
        (grain, bucket, ${KEY}, n, sum_serving_confidence, sum_shadow_confidence, max_serving_latency_ms, max_shadow_latency_ms)
      select g.grain, ${BUCKET('c')}, c.serving_version, c.shadow_version, c.serving_sentiment, c.shadow_sentiment,
        ${s}sum(c.n)::bigint, ${s}sum(c.sum_serving_confidence), ${s}sum(c.sum_shadow_confidence), ${max('max_serving_latency_ms')}, ${max('max_shadow_latency_ms')}
      from c cross join ${GRAINS}
      group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
      on conflict (grain, bucket, ${KEY}) do update set
        n = t.n + excluded.n, sum_serving_confidence = ${zeroed('sum_serving_confidence')}, sum_shadow_confidence = ${zeroed('sum_shadow_confidence')},
        ${keepMax('max_serving_latency_ms')}, ${keepMax('max_shadow_latency_ms')}
    )
    insert into model_comparison_latency_rollup as t (grain, bucket, serving_version, shadow_version, side, bin, n)
    select g.grain, ${BUCKET('h')}, h.serving_version, h.shadow_version, h.side, h.bin, ${s}sum(h.n)::bigint
    from h cross join ${GRAINS}
    group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
    on conflict (grain, bucket, serving_version, shadow_version, side, bin) do update set n = t.n + excluded.n;`;
}

/** After rows leave (or change), over [oldest, newest]: emptied buckets go, the maxima of the rest are recomputed. */
function tidy(): string {
  const span = (grain: keyof typeof WIDTH) =>
    `grain = '${grain}' and bucket >= date_bin(${WIDTH[grain]}, oldest, timestamptz '2000-01-01 00:00:00+00') and bucket <= newest`;
  const purge = (table: string) =>
    `delete from ${table} where n = 0 and bucket >= date_bin(${WIDTH.day}, oldest, timestamptz '2000-01-01 00:00:00+00') and bucket <= newest;`;
  const same = (a: string, b: string) => KEY.split(', ').map((k) => `${a}.${k} = ${b}.${k}`).join(' and ');
  const fromFiner = (grain: keyof typeof WIDTH, finer: keyof typeof WIDTH) =>
    `update model_comparison_rollup t set (max_serving_latency_ms, max_shadow_latency_ms) = (
       select max(f.max_serving_latency_ms), max(f.max_shadow_latency_ms) from model_comparison_rollup f
       where f.grain = '${finer}' and ${same('f', 't')} and f.bucket >= t.bucket and f.bucket < t.bucket + ${WIDTH[grain]})
     where ${span(grain)};`;
  return [
    purge('model_comparison_rollup'),
    purge('model_comparison_latency_rollup'),
    `update model_comparison_rollup t set (max_serving_latency_ms, max_shadow_latency_ms) = (
       select max(p.serving_latency_ms), max(p.shadow_latency_ms) from model_comparisons p
       where ${same('p', 't')} and p."timestamp" >= t.bucket and p."timestamp" < t.bucket + interval '1 minute')
     where ${span('minute')};`,
    fromFiner('10min', 'minute'),
    fromFiner('hour', '10min'),
    fromFiner('day', 'hour'),
  ].join('\n    ');
}

// `set search_path from current`: the functions find the tables of the schema they were created in,
// whatever the search_path of the session that writes rows.
const FUNCTION = `create function model_comparisons_rollup_maintain() returns trigger
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

const TRUNCATE_FUNCTION = `create function model_comparisons_rollup_truncate() returns trigger
  language plpgsql set search_path from current as $$
  begin
    delete from model_comparison_rollup;
    delete from model_comparison_latency_rollup;
    return null;
  end $$;`;

export class Migration20261207000000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "model_comparisons" ("id" uuid not null, "timestamp" timestamptz not null default now(), "job_id" varchar(255) not null, "item_index" int not null, "serving_version" varchar(50) not null, "serving_sentiment" varchar(20) not null, "serving_confidence" double precision not null, "serving_latency_ms" double precision not null, "shadow_version" varchar(50) not null, "shadow_sentiment" varchar(20) not null, "shadow_confidence" double precision not null, "shadow_latency_ms" double precision not null, constraint "model_comparisons_pkey" primary key ("id"));`);
    this.addSql(`create index "model_comparisons_timestamp_index" on "model_comparisons" ("timestamp");`);
    this.addSql(`alter table "model_comparisons" add constraint "model_comparisons_job_id_item_index_shadow_version_unique" unique ("job_id", "item_index", "shadow_version");`);
    this.addSql(`create table "model_comparison_rollup" ("grain" varchar(6) not null, "bucket" timestamptz not null, "serving_version" varchar(50) not null, "shadow_version" varchar(50) not null, "serving_sentiment" varchar(20) not null, "shadow_sentiment" varchar(20) not null, "n" bigint not null, "sum_serving_confidence" double precision not null, "sum_shadow_confidence" double precision not null, "max_serving_latency_ms" double precision null, "max_shadow_latency_ms" double precision null, constraint "model_comparison_rollup_pkey" primary key ("grain", "bucket", "serving_version", "shadow_version", "serving_sentiment", "shadow_sentiment"));`);
    this.addSql(`create table "model_comparison_latency_rollup" ("grain" varchar(6) not null, "bucket" timestamptz not null, "serving_version" varchar(50) not null, "shadow_version" varchar(50) not null, "side" varchar(7) not null, "bin" smallint not null, "n" bigint not null, constraint "model_comparison_latency_rollup_pkey" primary key ("grain", "bucket", "serving_version", "shadow_version", "side", "bin"));`);
    this.addSql(FUNCTION);
    this.addSql(TRUNCATE_FUNCTION);
    this.addSql(`create trigger model_comparisons_rollup_insert after insert on model_comparisons
      referencing new table as new_rows for each statement execute function model_comparisons_rollup_maintain();`);
    this.addSql(`create trigger model_comparisons_rollup_delete after delete on model_comparisons
      referencing old table as old_rows for each statement execute function model_comparisons_rollup_maintain();`);
    this.addSql(`create trigger model_comparisons_rollup_update after update on model_comparisons
      referencing old table as old_rows new table as new_rows for each statement execute function model_comparisons_rollup_maintain();`);
    this.addSql(`create trigger model_comparisons_rollup_truncate after truncate on model_comparisons
      for each statement execute function model_comparisons_rollup_truncate();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "model_comparisons" cascade;`);
    this.addSql(`drop table if exists "model_comparison_latency_rollup";`);
    this.addSql(`drop table if exists "model_comparison_rollup";`);
    this.addSql(`drop function if exists model_comparisons_rollup_maintain();`);
    this.addSql(`drop function if exists model_comparisons_rollup_truncate();`);
  }

}
