import type { CommandContext } from '../context.js';
import { usage } from '../exit-codes.js';
import { inputFormatOf, type InputFormat } from '../input/format.js';
import { checkOutput, outputFormatOf, type OutputFormat } from '../output.js';
import { submitFile } from '../submission.js';

export interface SubmitOptions {
  format?: InputFormat;
  column?: string;
  field: string;
  out?: string;
  outputFormat?: OutputFormat;
  chunkSize?: number;
  maxInFlight: number;
  interval: number;
  model?: string;
}

/** `sentiment submit FILE`: classifies every text of the file, resuming a previous run of the same file. */
export async function submitCommand(ctx: CommandContext, file: string, options: SubmitOptions): Promise<void> {
  const format = inputFormatOf(file, options.format);
  if (options.column !== undefined && format !== 'csv') throw usage('--column applies to CSV input only');
  checkOutput(options.out, file);
  await submitFile(
    { ...ctx, url: ctx.config.url, stateDir: ctx.config.stateDir, maxInFlight: options.maxInFlight, intervalMs: options.interval },
    file,
    { format, column: options.column, field: options.field },
    options.chunkSize,
    { path: options.out, format: outputFormatOf(options.out, options.outputFormat) },
    options.model,
  );
}
