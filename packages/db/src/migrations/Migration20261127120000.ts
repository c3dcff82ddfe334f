import { Migration } from '@mikro-orm/migrations';

// Rollups for analytics (prediction-rollup.entity.ts): per UTC minute/10 minutes/hour/day and model version, with a
// latency histogram. Names are unqualified (see the first migration). The SQL is spelled out here, not
// imported, so this migration keeps doing what it did when the code around it changes.

// 8 log-spaced bins per doubling from 2^-6 ms to 2^17 ms, bin 0 below and 185 above: the constants of
// latency-histogram.ts. The 1e-9 keeps values exactly on a bin edge (1 ms, 2 ms, ...) in the upper bin,
// where float ln() would land them a hair below. Not STRICT, so Postgres can inline it.
const BIN_FUNCTION = `create function "prediction_latency_bin"(latency_ms double precision) returns smallint
  language sql immutable parallel safe as $$
    select (case
      when latency_ms < 0.015625::double precision then 0
      when latency_ms >= 131072::double precision then 185
      else 1 + floor(ln(latency_ms / 0.015625::double precision) * (8 / ln(2::double precision)) + 1e-9::double precision)
    end)::smallint
  $$;`;

const GRAINS = `(values ('minute', interval '1 minute'), ('10min', interval '10 minutes'), ('hour', interval '1 hour'), ('day', interval '24 hours')) as g(grain, width)`;
const BUCKET = `date_bin(g.width, c.minute, timestamptz '2000-01-01 00:00:00+00')`;

export class Migration20261127120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(BIN_FUNCTION);
    this.addSql(`create table "prediction_rollup" ("grain" varchar(6) not null, "bucket" timestamptz not null, "model_version" varchar(50) not null, "n" bigint not null, "n_negative" bigint not null, "n_neutral" bigint not null, "n_positive" bigint not null, "cache_hits" bigint not null, "sum_confidence" double precision not null, "sum_latency_ms" double precision not null, "max_latency_ms" double precision null, constraint "prediction_rollup_pkey" primary key ("grain", "bucket", "model_version"));`);
    this.addSql(`create table "prediction_latency_rollup" ("grain" varchar(6) not null, "bucket" timestamptz not null, "model_version" varchar(50) not null, "bin" smallint not null, "n" bigint not null, constraint "prediction_latency_rollup_pkey" primary key ("grain", "bucket", "model_version", "bin"));`);

    // The raw table's indexes now serve only row scans (recent pages, range edges, retention):
    // sentiment indexes go (rollups count sentiments), and both kept orders end in id, like /recent.
    this.addSql(`drop index "prediction_timestamp_predicted_sentiment_index";`);
    this.addSql(`drop index "prediction_predicted_sentiment_index";`);
    this.addSql(`drop index "prediction_timestamp_index";`);
    this.addSql(`create index "prediction_timestamp_id_index" on "prediction" ("timestamp", "id");`);
    this.addSql(`create index "prediction_model_version_timestamp_id_index" on "prediction" ("model_version", "timestamp", "id");`);

    // Backfill from the rows already there, in one pass over them.
    this.addSql(`with cells as (
        select date_trunc('minute', "timestamp", 'UTC') as minute, model_version, prediction_latency_bin(latency_ms) as bin,
          count(*) as n,
          count(*) filter (where predicted_sentiment = 'negative') as n_negative,
          count(*) filter (where predicted_sentiment = 'neutral') as n_neutral,
          count(*) filter (where predicted_sentiment = 'positive') as n_positive,
          count(*) filter (where cache_hit) as cache_hits,
          sum(confidence_score) as sum_confidence, sum(latency_ms) as sum_latency_ms, max(latency_ms) as max_latency_ms
        from "prediction" group by 1, 2, 3
      ),
      r as (
        insert into "prediction_rollup" (grain, bucket, model_version, n, n_negative, n_neutral, n_positive, cache_hits, sum_confidence, sum_latency_ms, max_latency_ms)
        select g.grain, ${BUCKET}, c.model_version, sum(c.n), sum(c.n_negative), sum(c.n_neutral), sum(c.n_positive),
          sum(c.cache_hits), sum(c.sum_confidence), sum(c.sum_latency_ms), max(c.max_latency_ms)
        from cells c cross join ${GRAINS} group by 1, 2, 3
      )
      insert into "prediction_latency_rollup" (grain, bucket, model_version, bin, n)
      select g.grain, ${BUCKET}, c.model_version, c.bin, sum(c.n)
      from cells c cross join ${GRAINS} group by 1, 2, 3, 4;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "prediction_latency_rollup";`);
    this.addSql(`drop table if exists "prediction_rollup";`);
    this.addSql(`drop function if exists "prediction_latency_bin"(double precision);`);
    this.addSql(`drop index "prediction_model_version_timestamp_id_index";`);
    this.addSql(`drop index "prediction_timestamp_id_index";`);
    this.addSql(`create index "prediction_timestamp_index" on "prediction" ("timestamp");`);
    this.addSql(`create index "prediction_predicted_sentiment_index" on "prediction" ("predicted_sentiment");`);
    this.addSql(`create index "prediction_timestamp_predicted_sentiment_index" on "prediction" ("timestamp", "predicted_sentiment");`);
  }

}
