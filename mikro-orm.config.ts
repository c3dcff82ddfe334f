// Config for the MikroORM CLI (`npm run migrate`, `migrate:down`, `migration:create`): the same
// DATABASE_URL and DATABASE_SCHEMA the apps read (@sentiment/db settings.ts), so migrations land where they write.
import { cliConfig, databaseSettings } from '@sentiment/db';

// A function: the CLI awaits it (the Migrator is loaded on demand, config.ts).
export default () => cliConfig(databaseSettings(process.env));
