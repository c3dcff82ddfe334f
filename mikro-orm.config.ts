// Config for the MikroORM CLI (`npm run migrate`, `migrate:down`, `migration:create`): the same
// DATABASE_URL and DATABASE_SCHEMA the apps read (@sentiment/db settings.ts), so migrations land where they write.
import { databaseSettings, dbConfig } from '@sentiment/db';

export default dbConfig(databaseSettings(process.env));
