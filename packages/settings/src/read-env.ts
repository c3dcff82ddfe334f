import type { z } from 'zod';

/** One program's settings refused: every bad variable at once, never a secret's value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    program: string,
    readonly problems: string[],
  ) {
    super(`invalid ${program} configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Names whose values may hold a secret (a password in a URL, a key): echoed by length only. */
const SECRET = /URL|PASSWORD|SECRET|KEY|TOKEN/;

/** A variable's value as an error message may show it. */
export function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'unset';
  return SECRET.test(name) ? `(${value.length} characters, not shown)` : JSON.stringify(value);
}

/** The variables that are set: unset, empty and blank all mean "the default" (compose files pass `VAR=`). */
export function setVariables(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1].trim() !== ''));
}

/**
 * Validates `env` against `schema` the one way every program here does: a variable that is unset, empty
 * or blank means "the default" (compose files pass `VAR=`); anything refused throws a ConfigError naming
 * each variable with its (secret-safe) value. `extra` adds problems found outside the schema, so one run
 * reports every mistake.
 */
export function readEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, program: string, extra: string[] = []): z.infer<S> {
  const source = setVariables(env);
  const parsed = schema.safeParse(source);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '');
        return name ? `${name}=${shownValue(name, source[name])}: ${i.message}` : i.message;
      });
  problems.push(...extra);
  if (!parsed.success || problems.length > 0) throw new ConfigError(program, problems);
  return parsed.data;
}
