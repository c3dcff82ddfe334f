// Config for the MikroORM CLI (`npm run migrate`, `migrate:down`, `migration:create`).
// The only place in the db layer that reads the environment.
import { dbConfig } from '@sentiment/db';

export default dbConfig({
  clientUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
});
