import { ApiError, type Client, type JobStatus } from '@sentiment/client';
import type { CommandContext } from '../context.js';
import { ExitCode, usage } from '../exit-codes.js';
import { loadState } from '../state.js';
import { checkId } from './wait.js';

/** The status without the (possibly 10,000-item) result: `sentiment wait` writes results. */
const summary = ({ result, ...rest }: JobStatus) => ({ ...rest, ...(result && { predictions: result.total }) });

/**
 * `sentiment status ID`: JSON on stdout for one job, or for every job of a submission. Exits
 * ExitCode.jobFailed when a job failed, so scripts can branch on it.
 */
export async function statusCommand(ctx: CommandContext, id: string): Promise<number> {
  if (checkId(id) === 'job') {
    const status = await ctx.client.status(id, { signal: ctx.signal });
    process.stdout.write(`${JSON.stringify(summary(status), null, 2)}\n`);
    return status.status === 'failed' ? ExitCode.jobFailed : ExitCode.ok;
  }

  const state = await loadState(ctx.config.stateDir, id);
  if (!state) throw usage(`no submission ${id} in ${ctx.config.stateDir} (see --state-dir)`);
  const client = state.url === ctx.config.url ? ctx.client : ctx.clientFor(state.url);
  const jobs = [];
  for (const chunk of state.chunks) {
    const status = chunk.jobId ? await chunkStatus(client, chunk.jobId, ctx.signal) : { status: 'not submitted' as const };
    jobs.push({ chunk: chunk.index + 1, texts: chunk.count, ...status });
  }
  const done = jobs.reduce((n, j) => n + ('progress' in j ? j.progress.done : 0), 0);
  const overall = jobs.some((j) => j.status === 'failed')
    ? 'failed'
    : jobs.every((j) => j.status === 'completed')
      ? 'completed'
      : jobs.some((j) => j.status === 'active' || j.status === 'completed')
        ? 'active'
        : 'queued';
  const report = {
    submission: state.id,
    file: state.input.file,
    url: state.url,
    status: overall,
    progress: { done, total: state.texts },
    blank_skipped: state.blank,
    output: state.output.path ?? null,
    jobs,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return overall === 'failed' ? ExitCode.jobFailed : ExitCode.ok;
}

/** A job the server no longer knows (results expire after RESULT_TTL_S) is reported, not an error. */
async function chunkStatus(client: Client, jobId: string, signal: AbortSignal) {
  try {
    return summary(await client.status(jobId, { signal }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { job_id: jobId, status: 'expired' as const };
    throw err;
  }
}
