import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The worker's event loop starts threads and routes jobs; its database work runs in the writer threads, so
// it never loads MikroORM, knex or pg itself (~20 MiB of RSS; docs/benchmarks.md, "Memory").
const ORM_MODULES = /\/node_modules\/(@mikro-orm\/[^/]+|knex|pg)\//;

/** The ORM packages loaded by a fresh Node process after importing `specifiers` (CommonJS, as they all are). */
function ormPackagesLoadedBy(specifiers: string[]): string[] {
  const script = `
    for (const s of ${JSON.stringify(specifiers)}) await import(s);
    const { createRequire } = await import('node:module');
    const loaded = Object.keys(createRequire(import.meta.url).cache).map((f) => ${ORM_MODULES}.exec(f)?.[1]).filter(Boolean);
    console.log(JSON.stringify([...new Set(loaded)].sort()));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) });
  return JSON.parse(out.trim().split('\n').pop()!) as string[];
}

const source = (file: string) => fileURLToPath(new URL(`../src/${file}`, import.meta.url));

it("loads no MikroORM, knex or pg in the worker's event loop, whose database work runs in the writer threads", () => {
  // Every module main.ts imports (main.ts itself would start a worker).
  expect(ormPackagesLoadedBy(['config.ts', 'logger.ts', 'shutdown.ts', 'start.ts'].map(source))).toEqual([]);
  // The check sees them where they are loaded: @sentiment/db's full entry (the API's, the migrations').
  expect(ormPackagesLoadedBy(['@sentiment/db'])).toEqual(expect.arrayContaining(['@mikro-orm/core', '@mikro-orm/postgresql', 'knex', 'pg']));
}, 60_000);
