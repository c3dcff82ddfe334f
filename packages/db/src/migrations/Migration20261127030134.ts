import { Migration } from '@mikro-orm/migrations';

// Table names are unqualified on purpose: they land in the connection's search_path,
// which dbConfig() points at the configured schema (public by default, a throwaway one in tests).

export class Migration20261127030134 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "prediction" ("id" uuid not null, "timestamp" timestamptz not null default now(), "input_text" text null, "predicted_sentiment" varchar(20) not null, "confidence_score" double precision not null, "latency_ms" double precision not null, "model_version" varchar(50) not null, "cache_hit" boolean not null default false, "job_id" varchar(255) not null, "item_index" int not null, constraint "prediction_pkey" primary key ("id"));`);
    this.addSql(`create index "prediction_timestamp_index" on "prediction" ("timestamp");`);
    this.addSql(`create index "prediction_predicted_sentiment_index" on "prediction" ("predicted_sentiment");`);
    this.addSql(`create index "prediction_timestamp_predicted_sentiment_index" on "prediction" ("timestamp", "predicted_sentiment");`);
    this.addSql(`alter table "prediction" add constraint "prediction_job_id_item_index_unique" unique ("job_id", "item_index");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "prediction" cascade;`);
  }

}
