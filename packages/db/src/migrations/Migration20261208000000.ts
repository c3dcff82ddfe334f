import { Migration } from '@mikro-orm/migrations';

// `predictions` becomes a table partitioned by range of "timestamp", one partition per UTC day
// (`predictions_YYYYMMDD`), so retention drops whole days instead of deleting rows (partitions.ts).
// Postgres requires the partition key in every unique index: the primary key becomes (id, timestamp) and
// the idempotency key (job_id, item_index, timestamp); the writers keep (job_id, item_index) unique under
// an advisory lock per job (stored-rows.ts), as a retried job predicts again at another time.
// No default partition: a row for a day without a partition fails loudly (the writers create the day's
// partition and retry), and reads ordered by time stay an ordered Append that stops at its LIMIT.
// Rows are copied within the migration's transaction: writers wait (their rows go to the persist queue
// after the statement timeout) and carry on afterwards. The SQL is spelled out here, not imported.

const COLUMNS = `"id" uuid not null, "timestamp" timestamptz not null default now(), "input_text" text null, "predicted_sentiment" varchar(20) not null, "confidence_score" double precision not null, "latency_ms" double precision not null, "model_version" varchar(50) not null, "cache_hit" boolean not null default false, "job_id" varchar(255) not null, "item_index" int not null`;
const COLUMN_LIST = `id, "timestamp", input_text, predicted_sentiment, confidence_score, latency_ms, model_version, cache_hit, job_id, item_index`;
const INDEXES = ['predictions_pkey', 'predictions_job_id_item_index_unique', 'predictions_timestamp_id_index', 'predictions_model_version_timestamp_id_index'];

const TRIGGERS = (table: string) => [
  `create trigger predictions_rollup_insert after insert on ${table}
    referencing new table as new_rows for each statement execute function predictions_rollup_maintain();`,
  `create trigger predictions_rollup_delete after delete on ${table}
    referencing old table as old_rows for each statement execute function predictions_rollup_maintain();`,
  `create trigger predictions_rollup_update after update on ${table}
    referencing old table as old_rows new table as new_rows for each statement execute function predictions_rollup_maintain();`,
  `create trigger predictions_rollup_truncate after truncate on ${table} for each statement execute function predictions_rollup_truncate();`,
];

// A partition's rows are in no other partition, and its bounds are UTC midnights, so the rollup buckets
// of every grain inside [lo, hi) hold its rows and nothing else: truncating it clears exactly those.
const PARTITION_TRUNCATE = `create function predictions_partition_truncate() returns trigger
  language plpgsql set search_path from current as $$
  begin
    delete from prediction_rollup where bucket >= tg_argv[0]::timestamptz and bucket < tg_argv[1]::timestamptz;
    delete from prediction_latency_rollup where bucket >= tg_argv[0]::timestamptz and bucket < tg_argv[1]::timestamptz;
    return null;
  end $$;`;

// Creates the partition for [lo, hi) with the rollup triggers of its own (statement triggers of the parent
// fire only for statements naming the parent: a write straight into a partition must keep rollups exact
// too). Returns its name; an existing one is left as it is. Callers serialise (partitions.ts).
// Created apart, then attached: ATTACH takes a lock on the parent that writes and reads do not wait
// for (CREATE TABLE … PARTITION OF would block them, and deadlock writers waiting on each other).
const CREATE_PARTITION = `create function predictions_create_partition(lo timestamptz, hi timestamptz) returns text
  language plpgsql set search_path from current as $$
  declare
    name text := 'predictions_' || to_char(lo at time zone 'UTC', 'YYYYMMDD');
    day_start constant timestamptz := timestamptz '2000-01-01 00:00:00+00';
  begin
    if date_bin(interval '24 hours', lo, day_start) <> lo or date_bin(interval '24 hours', hi, day_start) <> hi or hi <= lo then
      raise exception 'partition bounds must be UTC midnights, lo < hi: [%, %)', lo, hi using errcode = '22023';
    end if;
    if to_regclass(quote_ident(name)) is not null then
      return name;
    end if;
    execute format('create table %I (like predictions including defaults)', name);
    execute format('create trigger predictions_rollup_insert after insert on %I
      referencing new table as new_rows for each statement execute function predictions_rollup_maintain()', name);
    execute format('create trigger predictions_rollup_delete after delete on %I
      referencing old table as old_rows for each statement execute function predictions_rollup_maintain()', name);
    execute format('create trigger predictions_rollup_update after update on %I
      referencing old table as old_rows new table as new_rows for each statement execute function predictions_rollup_maintain()', name);
    execute format('create trigger predictions_rollup_truncate after truncate on %I
      for each statement execute function predictions_partition_truncate(%L, %L)', name, lo, hi);
    execute format('alter table predictions attach partition %I for values from (%L) to (%L)', name, lo, hi);
    return name;
  end $$;`;

export class Migration20261208000000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "predictions" rename to "predictions_unpartitioned";`);
    for (const index of INDEXES) this.addSql(`alter index "${index}" rename to "${index.replace('predictions', 'predictions_unpartitioned')}";`);
    this.addSql(`create table "predictions" (${COLUMNS}) partition by range ("timestamp");`);
    this.addSql(PARTITION_TRUNCATE);
    this.addSql(CREATE_PARTITION);
    // A partition for every day holding rows, and for yesterday to three days ahead (the maintenance job
    // keeps creating them ahead; writers create a missing day's on demand).
    this.addSql(`select predictions_create_partition(d, d + interval '24 hours') from (
        select distinct date_bin(interval '24 hours', "timestamp", timestamptz '2000-01-01 00:00:00+00') as d from "predictions_unpartitioned"
        union select date_bin(interval '24 hours', now(), timestamptz '2000-01-01 00:00:00+00') + k * interval '24 hours' from generate_series(-1, 3) k
      ) days order by d;`);
    // Rows first, indexes after (one sorted build per partition beats index upkeep per row). The parent's
    // rollup triggers do not exist yet and the partitions' own fire only for statements naming them:
    // the rollups, which already count these rows, are untouched.
    this.addSql(`insert into "predictions" (${COLUMN_LIST}) select ${COLUMN_LIST} from "predictions_unpartitioned";`);
    this.addSql(`drop table "predictions_unpartitioned";`);
    this.addSql(`alter table "predictions" add constraint "predictions_pkey" primary key ("id", "timestamp");`);
    this.addSql(`alter table "predictions" add constraint "predictions_job_id_item_index_timestamp_unique" unique ("job_id", "item_index", "timestamp");`);
    this.addSql(`create index "predictions_timestamp_id_index" on "predictions" ("timestamp", "id");`);
    this.addSql(`create index "predictions_model_version_timestamp_id_index" on "predictions" ("model_version", "timestamp", "id");`);
    for (const sql of TRIGGERS('"predictions"')) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "predictions" rename to "predictions_partitioned";`);
    this.addSql(`alter index "predictions_pkey" rename to "predictions_partitioned_pkey";`);
    this.addSql(`alter index "predictions_job_id_item_index_timestamp_unique" rename to "predictions_partitioned_job_item_timestamp_unique";`);
    this.addSql(`alter index "predictions_timestamp_id_index" rename to "predictions_partitioned_timestamp_id_index";`);
    this.addSql(`alter index "predictions_model_version_timestamp_id_index" rename to "predictions_partitioned_model_version_timestamp_id_index";`);
    this.addSql(`create table "predictions" (${COLUMNS});`);
    // The writers never store a (job, item) twice; rows other clients stored twice make this fail.
    this.addSql(`insert into "predictions" (${COLUMN_LIST}) select ${COLUMN_LIST} from "predictions_partitioned";`);
    this.addSql(`drop table "predictions_partitioned";`);
    this.addSql(`drop function predictions_create_partition(timestamptz, timestamptz);`);
    this.addSql(`drop function predictions_partition_truncate();`);
    this.addSql(`alter table "predictions" add constraint "predictions_pkey" primary key ("id");`);
    this.addSql(`alter table "predictions" add constraint "predictions_job_id_item_index_unique" unique ("job_id", "item_index");`);
    this.addSql(`create index "predictions_timestamp_id_index" on "predictions" ("timestamp", "id");`);
    this.addSql(`create index "predictions_model_version_timestamp_id_index" on "predictions" ("model_version", "timestamp", "id");`);
    for (const sql of TRIGGERS('"predictions"')) this.addSql(sql);
  }

}
