import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { usage } from './exit-codes.js';

/** Flags win over the environment, which wins over the defaults. */
export interface GlobalFlags {
  url?: string;
  apiKey?: string;
  stateDir?: string;
}

export const Settings = z.object({
  url: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL, e.g. http://localhost:3000' }).describe("The API's address (its default `PORT` on this machine)."),
  apiKey: z.string().min(1).optional().describe('API key, sent as `Authorization: Bearer <key>`.'),
  stateDir: z.string().min(1).describe("Where submissions' state files live. Default: `$XDG_STATE_HOME/sentiment`, else `~/.local/state/sentiment`."),
});

export interface CliConfig {
  /** The API's base URL (default: the API's default PORT on this machine). */
  url: string;
  apiKey?: string;
  /** Where submissions' state files live. */
  stateDir: string;
}

/** XDG's state directory (~/.local/state), where resumable progress belongs. */
function defaultStateDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'sentiment');
}

/** Reads flags and environment once; a bad value is a usage error naming its flag or variable. */
export function loadConfig(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): CliConfig {
  const parsed = Settings.safeParse({
    url: flags.url ?? (env.SENTIMENT_URL || 'http://localhost:3000'),
    apiKey: flags.apiKey ?? (env.SENTIMENT_API_KEY || undefined),
    stateDir: flags.stateDir ?? (env.SENTIMENT_STATE_DIR || defaultStateDir(env)),
  });
  if (!parsed.success) {
    const names: Record<string, string> = { url: '--url / SENTIMENT_URL', apiKey: '--api-key / SENTIMENT_API_KEY', stateDir: '--state-dir / SENTIMENT_STATE_DIR' };
    throw usage(parsed.error.issues.map((i) => `${names[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return { ...parsed.data, url: parsed.data.url.replace(/\/+$/, '') };
}
