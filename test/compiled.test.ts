// The apps as production runs them: `npm run build` (tsc) output started by node itself, the workspace
// packages resolved through their `production` exports to dist/, no TypeScript loader anywhere.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot, waitFor } from './support/processes.js';
import { postJson, startStack, type Stack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  // Incremental: nearly free when .ci/run's type-check already built everything.
  await promisify(execFile)('npx', ['tsc', '-b'], { cwd: repoRoot });
  stack = await startStack('compiled', { compiled: true });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

it('serves predictions from the compiled API and worker, started by node without tsx', async () => {
  for (const app of [stack.api, ...stack.workers]) {
    const argv = app.child.spawnargs.join(' ');
    expect(argv).toMatch(/--conditions=production \S+\/apps\/(api|worker)\/dist\/src\/main\.js$/);
    expect(argv).not.toMatch(/tsx/);
  }
  const res = await postJson(`${stack.url}/predict`, { text: 'The compiled build works, great job!' });
  expect(res.status, stack.logs()).toBe(200);
  expect(res.body.sentiment).toBe('positive');
  const rows = await waitFor('the row', async () => {
    const r = await stack.sql('select id from {schema}.predictions where id = ?', [res.body.id]);
    return r.length === 1 ? r : undefined;
  });
  expect(rows).toHaveLength(1);
  // The dashboard's files are served from the build too.
  expect((await fetch(`${stack.url}/dashboard`)).status).toBe(200);
});
