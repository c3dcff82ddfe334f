import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTextCipher, PermanentWriteError, startThreadedPredictionWriter, type ThreadedPredictionWriter } from '@sentiment/db';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from './support/test-schema.js';
import { randomComparisons } from './support/comparisons.js';
import { makePredictions, seededRandom } from './support/predictions.js';

// The worker's writer: the same writers, run in a thread with its own ORM.
let db: TestSchema;
let writer: ThreadedPredictionWriter;
const keys = [{ id: 'k1', key: randomBytes(32) }];
const warnings: string[] = [];
beforeAll(async () => {
  db = await createTestSchema();
  writer = await startThreadedPredictionWriter({
    db: { clientUrl: TEST_DATABASE_URL, schema: db.schema, poolMax: 2, log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) } },
    textKeys: keys,
  });
});
afterAll(async () => {
  await writer?.close();
  await db?.drop();
});

const stored = (jobId: string) =>
  db.orm.em
    .getConnection()
    .execute<Array<{ id: string; timestamp: Date; input_text: string | null; item_index: number }>>(
      `select id, "timestamp", input_text, item_index from "${db.schema}".predictions where job_id = ? order by item_index`,
      [jobId],
    );

it('stores rows from its thread, times and encrypted texts intact, and skips them when sent again', async () => {
  const rows = makePredictions(50);
  expect(await writer.insertMany(rows)).toBe(50);
  expect(await writer.insertMany(rows)).toBe(0);
  const found = await stored(rows[0]!.jobId);
  expect(found.map((r) => new Date(r.timestamp).toISOString())).toEqual(rows.map((r) => r.timestamp.toISOString()));
  // The keys crossed into the thread: texts are stored encrypted and decrypt with them here.
  const cipher = createTextCipher(keys);
  const text = found[1]!.input_text!;
  expect(text).not.toBe(rows[1]!.inputText);
  expect(cipher.decrypt(text, found[1]!.id)).toBe(rows[1]!.inputText);
});

it('rejects a write Postgres cannot take with a PermanentWriteError naming the column', async () => {
  const rows = makePredictions(3, { modelVersion: 'm'.repeat(60) });
  const err = await writer.insertMany(rows).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PermanentWriteError);
  expect(err).toMatchObject({ code: '22001', column: 'model_version' });
  expect(await stored(rows[0]!.jobId)).toHaveLength(0);
});

it('finishes the writes in flight before it closes, then refuses more', async () => {
  const own = await startThreadedPredictionWriter({ db: { clientUrl: TEST_DATABASE_URL, schema: db.schema, poolMax: 2 } });
  const jobs = Array.from({ length: 4 }, () => makePredictions(200));
  const writes = jobs.map((rows) => own.insertMany(rows));
  await own.close();
  expect(await Promise.all(writes)).toEqual([200, 200, 200, 200]);
  for (const rows of jobs) expect(await stored(rows[0]!.jobId)).toHaveLength(200);
  await expect(own.insertMany(makePredictions(1))).rejects.toThrow(/closed/);
});

it('replaces a thread that died, and the writes after it are stored', async () => {
  const restarts: Error[] = [];
  // A heap cap the next write exceeds: the thread dies of it, as of any crash.
  const capped = await startThreadedPredictionWriter({
    db: { clientUrl: TEST_DATABASE_URL, schema: db.schema, poolMax: 2 },
    resourceLimits: { maxOldGenerationSizeMb: 64 },
    onRestart: (reason) => restarts.push(reason),
  });
  try {
    const huge = makePredictions(40_000, { inputText: 'x'.repeat(4000) });
    await expect(capped.insertMany(huge)).rejects.toThrow(/prediction writer thread (crashed|exited)/);
    expect(await stored(huge[0]!.jobId)).toHaveLength(0);
    // Replaced at most once a second: the row sink parks what fails meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const rows = makePredictions(20);
    expect(await capped.insertMany(rows)).toBe(20);
    expect(restarts).toHaveLength(1);
    expect(await stored(rows[0]!.jobId)).toHaveLength(20);
  } finally {
    await capped.close();
  }
});

it('runs a bulk writer at the nice value it is given (Linux), below the threads that started it', async () => {
  // /proc/self/task/<tid>/stat: the nice value is field 19, counted after the ")" that ends the name.
  const niceValues = () =>
    readdirSync('/proc/self/task').map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(')').pop()!.trim().split(' ')[16]));
  const before = niceValues();
  expect(before).not.toContain(7);
  const niced = await startThreadedPredictionWriter({ db: { clientUrl: TEST_DATABASE_URL, schema: db.schema, poolMax: 1 }, niceness: 7 });
  try {
    expect(await niced.insertMany(makePredictions(3))).toBe(3);
    expect(niceValues().filter((n) => n === 7)).toHaveLength(1);
    // The process' other threads (this one included) keep their priority.
    expect(niceValues().filter((n) => n !== 7).every((n) => n === before[0])).toBe(true);
  } finally {
    await niced.close();
  }
});

// The rest of a worker's database work goes through the bulk writer's thread, so its event loop loads no ORM.
it('stores shadow comparison rows from its thread, once, and refuses a row Postgres cannot take with a PermanentWriteError', async () => {
  const rows = randomComparisons(30, seededRandom(7), new Date(), 60_000);
  const count = async () =>
    Number((await db.orm.em.getConnection().execute<{ n: string }[]>(`select count(*) as n from "${db.schema}".model_comparisons where job_id in (?)`, [[...new Set(rows.map((r) => r.jobId))]]))[0]!.n);
  await writer.comparisons.write(rows);
  await writer.comparisons.write(rows); // a retried job: nothing twice
  expect(await count()).toBe(30);
  const err = await writer.comparisons.write([{ ...rows[0]!, id: undefined, itemIndex: 10_000, shadowVersion: `x${'y'.repeat(60)}+0000000a` }]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PermanentWriteError);
  expect(err).toMatchObject({ code: '22001' });
});

it('creates partitions ahead and drops the expired ones from its thread', async () => {
  const day = 24 * 3600 * 1000;
  const farAhead = new Date(Date.UTC(2031, 0, 10));
  const created = await writer.retention.ensurePartitionsAhead(farAhead);
  expect(created.length).toBeGreaterThanOrEqual(3);
  expect(await writer.retention.ensurePartitionsAhead(farAhead)).toEqual([]);
  const old = makePredictions(5, { timestamp: new Date(farAhead.getTime() + 3600_000) });
  expect(await writer.insertMany(old)).toBe(5);
  const gone = await writer.retention.deleteOlderThan(new Date(farAhead.getTime() + 2 * day));
  expect(gone.predictions).toBeGreaterThanOrEqual(5);
  expect(gone.partitions).toEqual(expect.arrayContaining(created.slice(0, 1)));
  expect(await stored(old[0]!.jobId)).toHaveLength(0);
});

it('answers a ping while Postgres answers, and rejects it when Postgres is not there', async () => {
  await expect(writer.ping()).resolves.toBeUndefined();
  const nowhere = await startThreadedPredictionWriter({ db: { clientUrl: 'postgresql://postgres@127.0.0.1:1/none', poolMax: 1, connectTimeoutMs: 1000 } });
  try {
    await expect(nowhere.ping()).rejects.toThrow(/ECONNREFUSED|connect/i);
  } finally {
    await nowhere.close();
  }
});
