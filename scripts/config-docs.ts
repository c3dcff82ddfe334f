// `npm run docs:config`: writes docs/configuration.md from the zod schemas the programs validate their
// environment with (their `.describe()` texts, types, bounds and defaults), so the page cannot drift from
// the code. `npm run docs:config -- --check` only compares; test/docs.test.ts does the same in CI.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { DatabaseEnv } from '@sentiment/db';
import { Env as ApiEnv } from '../apps/api/src/config.js';
import { EnvSchema as WorkerEnv } from '../apps/worker/src/config.js';
import { Settings as CliSettings, loadConfig as loadCliConfig } from '../apps/cli/src/config.js';

export const CONFIGURATION_DOC = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/** zod 4's internals, as far as this page reads them. */
interface Def {
  type: string;
  innerType?: Schema;
  defaultValue?: unknown;
  in?: Schema;
  out?: Schema;
  element?: Schema;
  entries?: Record<string, string>;
  checks?: { _zod: { def: Record<string, unknown> } }[];
  format?: string;
  protocol?: RegExp;
}
interface Schema {
  def: Def;
  description?: string;
  _zod: { bag: Record<string, unknown> };
}

/** What one variable looks like once its wrappers (preprocess, default, optional) are peeled off. */
interface Setting {
  description: string;
  type: string;
  default: string;
}

const PROTOCOLS = ['http', 'https', 'redis', 'rediss', 'postgres', 'postgresql'];
const code = (s: string) => '`' + s.replaceAll('|', '\\|') + '`';

function bounds(checks: Def['checks'], isInt: boolean): string {
  let min: number | undefined;
  let max: number | undefined;
  for (const { _zod } of checks ?? []) {
    const d = _zod.def;
    const v = d.value as number;
    if (d.check === 'greater_than') min = d.inclusive ? v : isInt ? v + 1 : v;
    if (d.check === 'less_than') max = d.inclusive ? v : isInt ? v - 1 : v;
  }
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

/** A readable type with its allowed values. */
function typeOf(s: Schema): string {
  const d = s.def;
  switch (d.type) {
    case 'number': {
      const isInt = (d.checks ?? []).some(({ _zod }) => _zod.def.check === 'number_format' && String(_zod.def.format).includes('int'));
      return (isInt ? 'integer' : 'number') + bounds(d.checks, isInt);
    }
    case 'enum':
      return Object.values(d.entries!).map(code).join(' \\| ');
    case 'string': {
      if (d.format === 'url') {
        const allowed = d.protocol ? PROTOCOLS.filter((p) => d.protocol!.test(p)) : [];
        return allowed.length ? `URL (${allowed.map((p) => code(`${p}:`)).join(', ')})` : 'URL';
      }
      const parts = ['string'];
      for (const { _zod } of d.checks ?? []) {
        const c = _zod.def;
        if (c.check === 'min_length' && (c.minimum as number) > 1) parts.push(`≥ ${c.minimum} characters`);
        if (c.check === 'string_format' && c.format === 'regex') parts.push(`matching ${code(String(c.pattern))}`);
      }
      return parts.join(', ');
    }
    case 'pipe': {
      if (d.out!.def.type === 'boolean' && d.in!.def.type === 'string') {
        const { truthy, falsy } = s._zod.bag as { truthy?: string[]; falsy?: string[] };
        const pairs = (truthy ?? ['true']).map((t, i) => `${t}/${falsy?.[i] ?? ''}`);
        return `boolean (${pairs.map(code).join(', ')})`;
      }
      // A preprocess step or a transform: the type is the side that is not code.
      if (d.in!.def.type === 'transform') return typeOf(d.out!);
      if (d.out!.def.type === 'array') return `comma-separated list: ${typeOf(d.out!.def.element!)}`;
      return typeOf(d.in!);
    }
    case 'default':
    case 'optional':
      return typeOf(d.innerType!);
    default:
      return d.type;
  }
}

function shownDefault(value: unknown): string {
  if (Array.isArray(value)) return value.length ? code(value.join(',')) : 'empty';
  return code(String(value));
}

/** Peels a variable's schema; a "Default: …" sentence in its description stands for a default computed at run time. */
function settingOf(schema: z.ZodType): Setting {
  let s = schema as unknown as Schema;
  let description: string | undefined;
  let fallback: string | undefined;
  for (;;) {
    description ??= s.description;
    const d = s.def;
    if (d.type === 'default') fallback ??= shownDefault(d.defaultValue);
    if (d.type === 'default' || d.type === 'optional') s = d.innerType!;
    else if (d.type === 'pipe' && d.in!.def.type === 'transform') s = d.out!;
    else break;
  }
  const text = description ?? '';
  const stated = /\s*Default: (.+?)\.?$/.exec(text);
  return {
    description: stated ? text.slice(0, stated.index) : text,
    type: typeOf(s),
    default: stated ? stated[1]! : (fallback ?? 'unset'),
  };
}

const cell = (s: string) => s.replaceAll('\n', ' ');

function envTable(shape: Record<string, z.ZodType>): string[] {
  const rows = Object.entries(shape).map(([name, schema]) => {
    const s = settingOf(schema);
    return `| \`${name}\` | ${cell(s.type)} | ${cell(s.default)} | ${cell(s.description)} |`;
  });
  return ['| variable | type | default | meaning |', '| --- | --- | --- | --- |', ...rows];
}

/** The CLI's settings are keyed by their flag's name: `apiKey` is `--api-key` and `SENTIMENT_API_KEY`. */
function cliTable(): string[] {
  const defaults = loadCliConfig({}, {}) as unknown as Record<string, unknown>;
  const rows = Object.entries(CliSettings.shape).map(([key, schema]) => {
    const words = key.replace(/[A-Z]/g, (c) => `_${c}`).toLowerCase().split('_');
    const s = settingOf(schema);
    const fallback = s.default !== 'unset' ? s.default : defaults[key] === undefined ? 'unset' : code(String(defaults[key]));
    return `| \`SENTIMENT_${words.join('_').toUpperCase()}\` | \`--${words.join('-')}\` | ${cell(s.type)} | ${cell(fallback)} | ${cell(s.description)} |`;
  });
  return ['| variable | flag | type | default | meaning |', '| --- | --- | --- | --- | --- |', ...rows];
}

/** The whole page, as the schemas say it today. */
export function configurationDoc(): string {
  return [
    '# Configuration',
    '',
    '<!-- Generated by `npm run docs:config` (scripts/config-docs.ts) from the zod schemas below; edit the',
    "     schemas' `.describe()` texts, not this file. test/docs.test.ts fails when it is out of date. -->",
    '',
    'Every program reads its environment once at start, validates it with zod and reports every bad variable',
    'at once (`invalid API configuration:`, `invalid worker configuration:`, …; a value that may hold a secret',
    'is shown by its length only) before exiting, the same way for all (`@sentiment/settings`). Unset, empty',
    'and blank (`VAR=`) all mean the default. `.env.example` lists the variables with the values to copy.',
    'What the settings mean in practice (security, scaling, sizing) is in [operations.md](operations.md).',
    '',
    '## API',
    '',
    '`apps/api/src/config.ts` (`npm run start:api`; `npm start` runs it too).',
    '',
    ...envTable(ApiEnv.shape as unknown as Record<string, z.ZodType>),
    '',
    '## Worker',
    '',
    '`apps/worker/src/config.ts` (`npm run start:worker`; `npm start` runs one).',
    '',
    ...envTable(WorkerEnv.shape as unknown as Record<string, z.ZodType>),
    '',
    '## Database tools',
    '',
    '`packages/db/src/settings.ts`: the database variables, read the same way by the API and the worker',
    '(above), the MikroORM CLI (`npm run migrate`, `migrate:down`, `migration:create`), `npm start`,',
    '`npm run seed:predictions` and `npm run texts`, so migrations land where the apps write.',
    '',
    ...envTable(DatabaseEnv.shape as unknown as Record<string, z.ZodType>),
    '',
    '## CLI',
    '',
    '`apps/cli/src/config.ts` (the `sentiment` command, [client-and-cli.md](client-and-cli.md)). A flag wins',
    'over its variable, which wins over the default.',
    '',
    ...cliTable(),
    '',
    '## Read outside the schemas',
    '',
    '| variable | read by | meaning |',
    '| --- | --- | --- |',
    "| `MALLOC_ARENA_MAX` | glibc, in the worker (`2` in the Dockerfile and `npm start`) | malloc arenas; fewer keep the inference threads' native memory from spreading ([benchmarks.md](benchmarks.md#memory)) |",
    '| `NODE_ENV` | `npm start` | `production` runs the compiled apps (`npm run build` first), as the container does |',
    '| `REDIS_URL`, `REDIS_SENTINELS` | `npm start` | the Redis it checks before starting the apps (default `redis://127.0.0.1:6379`; with `REDIS_SENTINELS`, the first sentinel) |',
    '| `LOG_PRETTY` | `npm start` | on a terminal the apps\' JSON logs are shown through pino-pretty; `0` keeps them raw JSON |',
    '| `INPUT_TEXT_KEYS`, `INPUT_TEXT_KEYS_FILE` | `npm run texts` | the keys to decrypt input texts with (as the worker\'s) |',
    '| `POSTGRES_PASSWORD`, `REDIS_PASSWORD`, `API_DOMAIN`, `API_PUBLISH` | `docker-compose.yml` | see [operations.md](operations.md#running-it-exposed) |',
    '| `TEST_REDIS_URL`, `TEST_DATABASE_URL`, `SHARED_DATA_DIR`, `CHROMIUM_PATH`, `UPDATE_SCREENSHOT`, `FUZZ_SEED` | the tests | see [testing.md](testing.md) |',
    '',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const want = configurationDoc();
  if (process.argv.includes('--check')) {
    const have = readFileSync(CONFIGURATION_DOC, 'utf8');
    if (have !== want) {
      console.error('docs/configuration.md is out of date: run `npm run docs:config`');
      process.exit(1);
    }
  } else {
    writeFileSync(CONFIGURATION_DOC, want);
    console.log(`wrote ${path.relative(process.cwd(), CONFIGURATION_DOC)}`);
  }
}
