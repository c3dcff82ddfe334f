import { defineConfig } from 'vitest/config';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test/support/services.js';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files run in parallel but each isolates its own queue prefix and database schema.
    fileParallelism: true,
    maxWorkers: 2,
    // Every test file's Postgres and Redis (package test helpers read them from here).
    env: { TEST_DATABASE_URL, TEST_REDIS_URL },
  },
});
