// npm run rollups:rebuild [-- --from ISO --to ISO] — recomputes the analytics rollups (of predictions and of
// shadow-run comparisons) of the UTC days overlapping [from, to) (default: all) from the rows, in
// DATABASE_URL / DATABASE_SCHEMA. The tables' triggers keep the rollups exact for every write; this repairs them after rows were loaded with the
// triggers off (`pg_restore --disable-triggers`, `session_replication_role = replica`). Writes to the
// table wait while it runs; reads go on.
import { parseArgs } from 'node:util';
import { databaseSettings, initOrm, rebuildRollups } from '@sentiment/db';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
const date = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    console.error(`--${name} must be a date (ISO 8601), got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return d;
};
const range = { from: date('from', values.from), to: date('to', values.to) };
const settings = databaseSettings(process.env);
const orm = await initOrm(settings);
try {
  const started = Date.now();
  await rebuildRollups(orm, range).catch((err: { code?: string }) => {
    if (err.code !== '3F000' && err.code !== '42P01') throw err;
    console.error(`no predictions or model_comparisons table in schema "${settings.schema ?? 'public'}": run \`npm run migrate\` first`);
    process.exit(1);
  });
  console.log(`rollups rebuilt${range.from || range.to ? ` for ${range.from?.toISOString() ?? '…'} to ${range.to?.toISOString() ?? '…'}` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await orm.close(true);
}
