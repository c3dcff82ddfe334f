import path from 'node:path';
import { MAX_JOB_TEXTS, type Client } from '@sentiment/client';
import { planChunks, submissionId, type ChunkLimits, type SubmissionIdentity } from './chunks.js';
import { badInput } from './exit-codes.js';
import { readInput, type Input, type InputOptions } from './input/read.js';
import { openResultWriter, type OutputFormat } from './output.js';
import type { Progress } from './progress.js';
import { RESULT_COLUMNS, runSubmission } from './run-submission.js';
import { loadState, saveState, stateFile, type SubmissionState } from './state.js';

/** Half the API's default BODY_LIMIT (16 MB): 10,000 texts of 5,000 characters would not fit in one request. */
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;

export interface SubmissionSettings {
  client: Client;
  url: string;
  stateDir: string;
  progress: Progress;
  maxInFlight: number;
  intervalMs: number;
  signal: AbortSignal;
}

export interface OutputChoice {
  path?: string;
  format: OutputFormat;
}

const identityOf = (input: Input, options: InputOptions, limits: ChunkLimits, model: string | undefined): SubmissionIdentity => ({
  sha256: input.sha256,
  format: options.format,
  selector: options.format === 'csv' ? (options.column ?? '') : options.format === 'jsonl' ? options.field : '',
  limits,
  ...(model !== undefined && { model }),
});

/** `sentiment submit FILE`: reads the file, then starts or resumes its submission (state keyed by file, options and URL). */
export async function submitFile(
  settings: SubmissionSettings,
  file: string,
  options: InputOptions,
  maxTexts: number | undefined,
  output: OutputChoice,
  model?: string,
): Promise<SubmissionState> {
  const input = await readInput(file, options);
  const limits = { maxTexts: maxTexts ?? MAX_JOB_TEXTS, maxBytes: MAX_CHUNK_BYTES };
  const identity = identityOf(input, options, limits, model);
  const id = submissionId(identity, settings.url);
  const state = (await loadState(settings.stateDir, id)) ?? newState(id, settings.url, input, options, limits, model);
  state.output = { path: output.path && path.resolve(output.path), format: output.format };
  await saveState(settings.stateDir, state);
  await run(settings, state, input, identity);
  return state;
}

/** `sentiment wait SUBMISSION_ID`: resumes from the state file, re-reading the input it names. */
export async function resumeSubmission(settings: SubmissionSettings, state: SubmissionState, output?: OutputChoice): Promise<void> {
  const options: InputOptions = { format: state.input.format, column: state.input.column, field: state.input.field };
  const input = await readInput(state.input.file, options);
  if (input.sha256 !== state.input.sha256) {
    throw badInput(`${state.input.file} changed since submission ${state.id} was made: submit it again with \`sentiment submit\``);
  }
  if (output) state.output = { path: output.path && path.resolve(output.path), format: output.format };
  await run(settings, state, input, identityOf(input, options, state.limits, state.model));
}

function newState(id: string, url: string, input: Input, options: InputOptions, limits: ChunkLimits, model: string | undefined): SubmissionState {
  return {
    version: 1,
    id,
    url,
    input: { file: path.resolve(input.file), sha256: input.sha256, format: options.format, column: options.column, field: options.field },
    limits,
    ...(model !== undefined && { model }),
    output: { format: 'jsonl' },
    texts: input.items.length,
    blank: input.blank,
    chunks: planChunks(input.items, limits).map((c) => ({ ...c, generation: 0 })),
    created_at: new Date().toISOString(),
  };
}

async function run(settings: SubmissionSettings, state: SubmissionState, input: Input, identity: SubmissionIdentity): Promise<void> {
  const { progress } = settings;
  const submitted = state.chunks.filter((c) => c.jobId).length;
  const where = state.output.path ?? 'stdout';
  progress.log(
    `submission ${state.id}: ${state.texts} texts from ${state.input.file}` +
      `${state.blank > 0 ? ` (${state.blank} blank skipped)` : ''} in ${state.chunks.length} job${state.chunks.length === 1 ? '' : 's'}` +
      `${submitted > 0 ? `, resuming (${submitted} already queued)` : ''}; results to ${where}`,
  );
  progress.log(`state: ${stateFile(settings.stateDir, state.id)} (after an interruption: sentiment wait ${state.id})`);

  const writer = openResultWriter(state.output.path, state.output.format, RESULT_COLUMNS);
  const started = Date.now();
  try {
    await runSubmission({ ...settings, input, identity, state, writer });
    await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  } finally {
    progress.stop();
  }
  progress.log(`done: ${state.texts} texts in ${((Date.now() - started) / 1000).toFixed(1)} s; results in ${where}`);
}
