// docker-compose.yml is closed to strangers by default (issue 13 item 1): no published store, no shipped
// password, Redis with a password and noeviction, the API refusing to run keyless unless told to.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_MODELS_FILE, readModelsFile } from '@sentiment/registry';
import { appArgs, repoRoot } from './support/processes.js';

const exec = promisify(execFile);
const file = path.join(repoRoot, 'docker-compose.yml');
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, any> };
const { postgres, redis, api } = compose.services;

describe('docker-compose.yml', () => {
  it('publishes Postgres and Redis on 127.0.0.1 only', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of (service.ports ?? []) as string[]) {
        if (name === 'postgres' || name === 'redis') expect(port, name).toMatch(/^127\.0\.0\.1:/);
      }
    }
  });

  it('ships no password: every secret comes from the environment, required', () => {
    expect(postgres.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(readFileSync(file, 'utf8')).not.toMatch(/postgres:postgres@|POSTGRES_PASSWORD: postgres\b/);
    expect(redis.environment.REDIS_PASSWORD).toMatch(/^\$\{REDIS_PASSWORD:\?/);
  });

  it('runs Redis with a password, AOF and the noeviction policy BullMQ needs', () => {
    const command = (redis.command as string[]).join(' ');
    expect(command).toMatch(/--requirepass/);
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
  });

  it('passes API_KEYS and an explicit ALLOW_ANONYMOUS (default false) to the production API', () => {
    expect(api.environment.API_KEYS).toBe('${API_KEYS:-}');
    expect(api.environment.ALLOW_ANONYMOUS).toBe('${ALLOW_ANONYMOUS:-false}');
  });

  it('runs the compiled apps with node itself, as APPS_COMPILED=1 tests and fault:graceful-shutdown do, so SIGTERM reaches them', () => {
    expect(api.command).toEqual(['node', ...appArgs('apps/api/src/main.ts', { compiled: true })]);
    expect(compose.services['worker-v2'].command).toEqual(['node', ...appArgs('apps/worker/src/main.ts', { compiled: true })]);
    expect(api.init).toBe(true);
    expect(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8')).toMatch(/^CMD \["node", "--conditions=production", "apps\/api\/dist\/src\/main\.js"\]$/m);
  });

  it('gives every model of models.json a worker pool of its own (scaled alone: --scale worker-v2=3)', () => {
    const served = Object.values(compose.services).map((service) => service.environment?.SERVE_MODELS).filter(Boolean);
    expect(served.sort()).toEqual([...readModelsFile(DEFAULT_MODELS_FILE).models.keys()].sort());
    expect(compose.services['worker-v1'].command).toEqual(compose.services['worker-v2'].command);
  });

  it('is refused by docker-compose without the passwords, accepted with them', async () => {
    const env = { ...process.env, POSTGRES_PASSWORD: '', REDIS_PASSWORD: '' };
    const refused = await exec('docker-compose', ['-f', file, 'config', '-q'], { env }).then(() => '', (e: { stderr: string }) => e.stderr);
    expect(refused).toMatch(/set POSTGRES_PASSWORD|set REDIS_PASSWORD/);
    await exec('docker-compose', ['-f', file, 'config', '-q'], { env: { ...env, POSTGRES_PASSWORD: 'p'.repeat(24), REDIS_PASSWORD: 'r'.repeat(24) } });
  });
});
