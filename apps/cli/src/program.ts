import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ApiError, InvalidResponseError, JobFailedError, MAX_JOB_TEXTS, NetworkError } from '@sentiment/client';
import { predictCommand } from './commands/predict.js';
import { statusCommand } from './commands/status.js';
import { submitCommand, type SubmitOptions } from './commands/submit.js';
import { waitCommand, type WaitOptions } from './commands/wait.js';
import { commandContext, type GlobalOptions } from './context.js';
import { CliError, ExitCode } from './exit-codes.js';
import { INPUT_FORMATS } from './input/format.js';
import { OUTPUT_FORMATS } from './output.js';

const intIn = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
  return n;
};

const EXIT_CODES = `
Exit codes:
  0    done
  2    usage error (unknown option, missing argument, bad value)
  3    bad input file (missing, empty, not UTF-8, malformed CSV/JSONL line, unknown column, invalid text)
  4    API unreachable (connection refused, unknown host, timeout)
  5    API error (an error answer, e.g. 401, 404, 429, 503)
  6    a job failed on the server
  130  interrupted (Ctrl-C); run the same command again to resume`;

/** Parses argv and runs the command; resolves to the exit code, never exits by itself. */
export async function run(argv: string[], signal: AbortSignal): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command('sentiment')
    .description('Classify texts with the sentiment API: one at a time, or whole files as resumable bulk jobs.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .option('--url <url>', 'API base URL (env SENTIMENT_URL; default http://localhost:3000)')
    .option('--api-key <key>', 'API key, sent as a Bearer token (env SENTIMENT_API_KEY)')
    .option('--state-dir <dir>', 'where resumable submissions are recorded (env SENTIMENT_STATE_DIR; default $XDG_STATE_HOME/sentiment)')
    .option('-q, --quiet', 'no progress or informational messages on stderr')
    .addHelpText('after', EXIT_CODES);

  const context = (cmd: Command) => commandContext(cmd.optsWithGlobals<GlobalOptions>(), signal);
  const interval = () => new Option('--interval <ms>', 'pause between status polls').argParser(intIn(50, 60_000)).default(500);
  const modelOption = () => new Option('--model <model>', 'which model answers: a name, an alias (stable) or a full model_version (default: the deployment\'s routing; see GET /models)');
  const maxInFlight = () =>
    new Option('--max-in-flight <n>', 'jobs queued but unfinished at once').argParser(intIn(1, 100)).default(4);
  const outputOptions = (cmd: Command) =>
    cmd
      .option('-o, --out <file>', 'write results here (default: stdout); written as <file>.partial until complete')
      .addOption(new Option('--output-format <format>', 'results format (default: csv for a .csv --out, else jsonl)').choices(OUTPUT_FORMATS));

  program
    .command('predict')
    .description('classify one or more texts given as arguments; prints one JSON line per text')
    .argument('<text...>', 'the texts')
    .addOption(modelOption())
    .action(async (texts: string[], options: { model?: string }, cmd: Command) => {
      await predictCommand(context(cmd), texts, options);
    });

  outputOptions(
    program
      .command('submit')
      .description('classify every text of a file (plain text: one per line; CSV; JSON Lines), in jobs, resumably')
      .argument('<file>', 'input file')
      .addOption(new Option('--format <format>', 'input format (default: from the extension: .txt, .csv, .jsonl/.ndjson)').choices(INPUT_FORMATS))
      .option('--column <name>', 'CSV: the column holding the texts (default: the only column, or "text")')
      .option('--field <name>', 'JSONL: the field holding the texts', 'text')
      .addOption(new Option('--chunk-size <n>', 'texts per job').argParser(intIn(1, MAX_JOB_TEXTS)))
      .addOption(modelOption())
      .addOption(maxInFlight())
      .addOption(interval()),
  ).action(async (file: string, options: SubmitOptions, cmd: Command) => {
    await submitCommand(context(cmd), file, options);
  });

  outputOptions(
    program
      .command('wait')
      .description('wait for a submission (resuming it) or a single job, and write its results')
      .argument('<id>', 'a submission id (printed by submit) or a job id')
      .addOption(maxInFlight())
      .addOption(interval()),
  ).action(async (id: string, options: WaitOptions, cmd: Command) => {
    await waitCommand(context(cmd), id, options);
  });

  program
    .command('status')
    .description("print a submission's or a job's status as JSON (exit 6 if a job failed)")
    .argument('<id>', 'a submission id (printed by submit) or a job id')
    .action(async (id: string, _options, cmd: Command) => {
      exitCode = await statusCommand(context(cmd), id);
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    return report(err, signal);
  }
}

/** One line (or a few) on stderr saying what went wrong, and the exit code for it. */
function report(err: unknown, signal: AbortSignal): number {
  const say = (message: string) => process.stderr.write(`sentiment: ${message}\n`);
  if (err instanceof CommanderError) {
    // Commander already printed the problem (or the help / version).
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (signal.aborted) {
    say('interrupted; run the same command again to resume');
    return ExitCode.interrupted;
  }
  if (err instanceof CliError) {
    say(err.message);
    return err.exitCode;
  }
  if (err instanceof NetworkError) {
    say(`${err.message}\n  (set the API's address with --url or SENTIMENT_URL)`);
    return ExitCode.unreachable;
  }
  if (err instanceof ApiError) {
    // http_<status>: the body was not the API's error format, so probably not the API at all.
    const hint = err.code.startsWith('http_') ? ' (is --url pointing at the sentiment API?)' : err.retryAfter !== undefined ? ` (retry after ${err.retryAfter} s)` : '';
    say(`the API answered ${err.status} ${err.code}: ${err.message}${hint}`);
    return ExitCode.apiError;
  }
  if (err instanceof InvalidResponseError) {
    say(`${err.message} (is --url pointing at the sentiment API?)`);
    return ExitCode.apiError;
  }
  if (err instanceof JobFailedError) {
    say(err.message);
    return ExitCode.jobFailed;
  }
  say(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return ExitCode.internal;
}
