import { Migration } from '@mikro-orm/migrations';

// The seed's table name: `prediction` becomes `predictions`, with its constraints and indexes renamed to
// match. A rename keeps every row, the rollups (separate tables) and the indexes; it takes a brief
// ACCESS EXCLUSIVE lock and copies nothing. Writers running old code would fail until redeployed.

const RENAMES = [
  ['prediction_pkey', 'predictions_pkey'],
  ['prediction_timestamp_id_index', 'predictions_timestamp_id_index'],
  ['prediction_model_version_timestamp_id_index', 'predictions_model_version_timestamp_id_index'],
  ['prediction_job_id_item_index_unique', 'predictions_job_id_item_index_unique'],
] as const;

export class Migration20261206000000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "prediction" rename to "predictions";`);
    // Unique and primary key constraints own their indexes: renaming the index renames the constraint.
    for (const [from, to] of RENAMES) this.addSql(`alter index "${from}" rename to "${to}";`);
  }

  override async down(): Promise<void> {
    for (const [from, to] of RENAMES) this.addSql(`alter index "${to}" rename to "${from}";`);
    this.addSql(`alter table "predictions" rename to "prediction";`);
  }

}
