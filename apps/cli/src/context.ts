import { createClient, type Client } from '@sentiment/client';
import { loadConfig, type CliConfig, type GlobalFlags } from './config.js';
import { createProgress, type Progress } from './progress.js';

export interface GlobalOptions extends GlobalFlags {
  quiet?: boolean;
}

/** What every command needs: settings, an API client, and somewhere to report progress (stderr). */
export interface CommandContext {
  config: CliConfig;
  client: Client;
  /** A client of another server with the same credentials (a submission resumes where it was made). */
  clientFor(url: string): Client;
  progress: Progress;
  signal: AbortSignal;
}

export function commandContext(options: GlobalOptions, signal: AbortSignal): CommandContext {
  const config = loadConfig(options);
  const progress = createProgress(options.quiet ? 'none' : 'auto');
  const clientFor = (url: string) =>
    createClient({
      baseUrl: url,
      apiKey: config.apiKey,
      retry: {
        onRetry: ({ delayMs, error }) => progress.log(`the API answered ${error.status} ${error.code}; retrying in ${Math.ceil(delayMs / 1000)} s`),
      },
    });
  return { config, client: clientFor(config.url), clientFor, progress, signal };
}
