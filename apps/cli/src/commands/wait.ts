import type { CommandContext } from '../context.js';
import { usage } from '../exit-codes.js';
import { openResultWriter, outputFormatOf, predictionColumns, type OutputFormat } from '../output.js';
import { isSubmissionId, loadState } from '../state.js';
import { resumeSubmission } from '../submission.js';

export interface WaitOptions {
  out?: string;
  outputFormat?: OutputFormat;
  interval: number;
  maxInFlight: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkId(id: string): 'submission' | 'job' {
  if (isSubmissionId(id)) return 'submission';
  if (UUID.test(id)) return 'job';
  throw usage(`${id} is neither a submission id (16 hex digits, printed by \`sentiment submit\`) nor a job id (a UUID)`);
}

/**
 * `sentiment wait ID`: a submission id resumes that submission (its input file must be unchanged);
 * a job id waits for that one job and writes its predictions.
 */
export async function waitCommand(ctx: CommandContext, id: string, options: WaitOptions): Promise<void> {
  const explicitOutput = options.out !== undefined || options.outputFormat !== undefined;
  const output = { path: options.out, format: outputFormatOf(options.out, options.outputFormat) };
  if (checkId(id) === 'submission') {
    const state = await loadState(ctx.config.stateDir, id);
    if (!state) throw usage(`no submission ${id} in ${ctx.config.stateDir} (see --state-dir)`);
    const settings = { ...ctx, url: state.url, stateDir: ctx.config.stateDir, maxInFlight: options.maxInFlight, intervalMs: options.interval };
    // The submission's own server, whatever --url says now: its job ids live there.
    const client = state.url === ctx.config.url ? ctx.client : ctx.clientFor(state.url);
    await resumeSubmission({ ...settings, client }, state, explicitOutput ? output : undefined);
    return;
  }

  const { progress, signal } = ctx;
  const done = await ctx.client.waitFor(id, { intervalMs: options.interval, signal, onProgress: (p) => progress.update(p.done, p.total) });
  progress.stop();
  const writer = openResultWriter(output.path, output.format, ['index', 'sentiment', 'confidence', 'model_version', 'id', 'latency_ms', 'cache_hit']);
  await writer.write(
    done.result.predictions.map((p, index) => ({ index, ...predictionColumns(p) })),
  );
  await writer.finish();
}
