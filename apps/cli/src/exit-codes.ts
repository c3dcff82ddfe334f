/** The CLI's exit codes (documented in the README's CLI section). */
export const ExitCode = {
  ok: 0,
  /** A bug or something unforeseen: the message says what. */
  internal: 1,
  /** Bad command line: unknown option, missing argument, a value out of range. */
  usage: 2,
  /** The input file cannot be used: missing, unreadable, empty, malformed, unknown column. */
  badInput: 3,
  /** No answer from the API (connection refused, unknown host, timeout). */
  unreachable: 4,
  /** The API answered with an error (4xx/5xx), or an answer that breaks the contract. */
  apiError: 5,
  /** A job ended `failed` on the server. */
  jobFailed: 6,
  /** Ctrl-C: the state file is saved; run the same command again to resume. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line on stderr, exiting with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

export const badInput = (message: string) => new CliError(ExitCode.badInput, message);
export const usage = (message: string) => new CliError(ExitCode.usage, message);
