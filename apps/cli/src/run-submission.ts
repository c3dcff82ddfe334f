import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, InvalidResponseError, JobFailedError, type Client, type JobStatus, type Prediction } from '@sentiment/client';
import { chunkIdempotencyKey, type SubmissionIdentity } from './chunks.js';
import type { Input } from './input/read.js';
import { predictionColumns, type ResultWriter, type Row } from './output.js';
import type { Progress } from './progress.js';
import { saveState, type ChunkState, type SubmissionState } from './state.js';

export interface RunDeps {
  client: Client;
  input: Input;
  identity: SubmissionIdentity;
  state: SubmissionState;
  stateDir: string;
  writer: ResultWriter;
  progress: Progress;
  /** Chunks queued but not finished at once: bounds what one run puts on the shared queue. */
  maxInFlight: number;
  intervalMs: number;
  signal: AbortSignal;
}

/** Output columns of `sentiment submit`, in order. */
export const RESULT_COLUMNS = ['line', 'text', 'sentiment', 'confidence', 'model_version', 'id', 'latency_ms', 'cache_hit'];

/**
 * Queues the chunks (at most `maxInFlight` unfinished at a time), polls them, and writes every
 * chunk's results as soon as all chunks before it are written, so the output is in input order.
 * The state file records each job id the moment the API accepts it; a re-run continues from there,
 * and the chunk's Idempotency-Key covers a kill between the API's answer and that write.
 */
export async function runSubmission(deps: RunDeps): Promise<void> {
  const { input, state, progress, signal } = deps;
  const chunks = state.chunks;
  const done = new Map<number, number>();
  const finished = new Map<number, Prediction[]>();
  const inFlight = new Set<number>();
  let nextSubmit = 0;
  let nextWrite = 0;

  while (nextWrite < chunks.length) {
    while (nextSubmit < chunks.length && inFlight.size < deps.maxInFlight) {
      await ensureJob(deps, chunks[nextSubmit]!);
      inFlight.add(nextSubmit++);
    }

    let completedNow = false;
    for (const index of inFlight) {
      const chunk = chunks[index]!;
      const status = await pollChunk(deps, chunk);
      if (!status) continue; // submitted again: its new job is polled next round
      done.set(index, status.progress.done);
      if (status.status === 'failed') {
        throw new JobFailedError(status.job_id, status.error?.code ?? 'job_failed', `${describe(input, chunk)}: job ${status.job_id} failed: ${status.error?.message ?? 'no reason given'}`);
      }
      if (status.status === 'completed' && status.result) {
        if (status.result.predictions.length !== chunk.count) {
          throw new InvalidResponseError(`/jobs/${status.job_id}`, 200, `job ${status.job_id} returned ${status.result.predictions.length} predictions for ${chunk.count} texts`);
        }
        finished.set(index, status.result.predictions);
        inFlight.delete(index);
        completedNow = true;
      }
    }

    while (finished.has(nextWrite)) {
      const chunk = chunks[nextWrite]!;
      await deps.writer.write(rowsOf(input, chunk, finished.get(nextWrite)!));
      finished.delete(nextWrite++);
    }
    progress.update(
      [...done.values()].reduce((a, b) => a + b, 0),
      state.texts,
    );
    if (nextWrite < chunks.length && !completedNow) await sleep(deps.intervalMs, undefined, { signal });
  }
  state.completed_at = new Date().toISOString();
  await saveState(deps.stateDir, state);
}

/** Queues the chunk unless the state already holds its job; records the job id at once. */
async function ensureJob({ client, input, identity, state, stateDir, progress, signal }: RunDeps, chunk: ChunkState): Promise<void> {
  if (chunk.jobId) return;
  const texts = input.items.slice(chunk.start, chunk.start + chunk.count).map((item) => item.text);
  for (;;) {
    try {
      const job = await client.submit(texts, { idempotencyKey: chunkIdempotencyKey(identity, chunk.index, chunk.generation), model: identity.model, signal });
      chunk.jobId = job.job_id;
      await saveState(stateDir, state);
      return;
    } catch (err) {
      // The key's job is gone (results are kept RESULT_TTL_S): the chunk has to run again, under a new key.
      if (!(err instanceof ApiError && err.code === 'job_expired')) throw err;
      progress.log(`${describe(input, chunk)}: its job expired on the server; running it again`);
      chunk.generation++;
    }
  }
}

/** The chunk's job status; undefined when the job was gone and the chunk has been queued again. */
async function pollChunk(deps: RunDeps, chunk: ChunkState): Promise<JobStatus | undefined> {
  try {
    return await deps.client.status(chunk.jobId!, { signal: deps.signal });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    deps.progress.log(`${describe(deps.input, chunk)}: job ${chunk.jobId} is unknown to the server (expired, or another server); queueing it again`);
    chunk.jobId = undefined;
    await ensureJob(deps, chunk);
    return undefined;
  }
}

function rowsOf(input: Input, chunk: ChunkState, predictions: Prediction[]): Row[] {
  return predictions.map((p, k) => {
    const item = input.items[chunk.start + k]!;
    return { line: item.line, text: item.text, ...predictionColumns(p) };
  });
}

function describe(input: Input, chunk: ChunkState): string {
  const first = input.items[chunk.start]!.line;
  const last = input.items[chunk.start + chunk.count - 1]!.line;
  return `chunk ${chunk.index + 1} (lines ${first}-${last})`;
}
