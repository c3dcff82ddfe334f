import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { badInput } from './exit-codes.js';

const ChunkState = z.object({
  index: z.number().int(),
  start: z.number().int(),
  count: z.number().int(),
  /** Set as soon as the API accepted the chunk. */
  jobId: z.string().optional(),
  /** Bumped when the job expired on the server and the chunk had to run again (see chunkIdempotencyKey). */
  generation: z.number().int().default(0),
});
export type ChunkState = z.infer<typeof ChunkState>;

/** What `sentiment submit` remembers between runs: enough to resume without sending anything twice. */
export const SubmissionState = z.object({
  version: z.literal(1),
  id: z.string(),
  url: z.string(),
  input: z.object({
    file: z.string(),
    sha256: z.string(),
    format: z.enum(['text', 'csv', 'jsonl']),
    column: z.string().optional(),
    field: z.string(),
  }),
  limits: z.object({ maxTexts: z.number().int(), maxBytes: z.number().int() }),
  /** `--model`: every job of the submission is answered by it (absent: the deployment's routing). */
  model: z.string().optional(),
  output: z.object({ path: z.string().optional(), format: z.enum(['jsonl', 'csv']) }),
  texts: z.number().int(),
  blank: z.number().int(),
  chunks: z.array(ChunkState),
  created_at: z.string(),
  completed_at: z.string().optional(),
});
export type SubmissionState = z.infer<typeof SubmissionState>;

export const stateFile = (stateDir: string, id: string) => path.join(stateDir, `${id}.json`);

/** A submission id (not a job's UUID): 16 hex digits. */
export const isSubmissionId = (id: string) => /^[0-9a-f]{16}$/.test(id);

export async function loadState(stateDir: string, id: string): Promise<SubmissionState | undefined> {
  const file = stateFile(stateDir, id);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return SubmissionState.parse(JSON.parse(raw));
  } catch {
    throw badInput(`the state file ${file} is damaged: delete it to start this submission afresh`);
  }
}

/** Written to a temporary file and renamed, so a kill mid-write leaves the previous state whole. */
export async function saveState(stateDir: string, state: SubmissionState): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const file = stateFile(stateDir, state.id);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, file);
}
