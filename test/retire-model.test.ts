// `npm run models:retire`: taking a model out of service without losing a job.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyJobOptions, JobName, predictionQueueName } from '@sentiment/queue';
import { repoRoot } from './support/processes.js';
import { deleteKeys, TEST_REDIS_URL } from './support/stack.js';

const exec = promisify(execFile);
const prefix = `retire-${randomBytes(4).toString('hex')}`;
const registryFile = path.join(mkdtempSync(path.join(tmpdir(), 'retire-')), 'models.json');
writeFileSync(
  registryFile,
  JSON.stringify({
    models: { alpha: { source: { shipped: 'sentiment-multi-v2' } }, beta: { source: { shipped: 'sentiment-sst2-v1' } } },
    routing: { aliases: { stable: 'alpha' }, split: { stable: 100 } },
  }),
);

/** Runs the command as an operator does; its exit code and output. */
async function retire(...args: string[]) {
  const env = { ...process.env, MODELS_FILE: registryFile, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix };
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'scripts/retire-model.ts', ...args], { cwd: repoRoot, env });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

let beta: Queue;
beforeAll(() => {
  beta = new Queue(predictionQueueName('beta'), { connection: { url: TEST_REDIS_URL }, prefix });
});
afterAll(async () => {
  await beta.obliterate({ force: true });
  await beta.close();
  await deleteKeys(`${prefix}:*`);
});

describe('npm run models:retire', () => {
  it('refuses a model that still gets traffic, naming where it comes from', async () => {
    const run = await retire('alpha');
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/alpha still gets traffic \(alias "stable", split "stable": 100\)/);
  });

  it('fails the jobs no worker will run once the timeout passes, with a reason the caller can read', async () => {
    const jobs = await Promise.all([0, 1, 2].map((i) => beta.add(JobName.classify, { texts: [`left behind ${i}`], model: 'beta', source: 'jobs' }, classifyJobOptions({ resultTtlS: 600 }))));
    const run = await retire('beta', '--timeout-s', '1');
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/3 job\(s\) failed with: model "beta" was retired before this job ran/);
    expect(run.out).toMatch(/queue empty; stop its workers now/);
    for (const job of jobs) {
      expect(await beta.getJobState(job.id!)).toBe('failed');
      expect((await beta.getJob(job.id!))?.failedReason).toMatch(/retired before this job ran; submit it again/);
    }
  });

  it('--undo puts it back in service', async () => {
    const run = await retire('beta', '--undo');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/beta: back in service/);
  });
});
