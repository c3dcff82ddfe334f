// Tiny flag parser for the fault and soak scripts: `--name value`, `--name=value` and bare `--flag`.
export function parseArgs(argv: string[] = process.argv.slice(2)) {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) flags.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags.set(name, argv[++i]!);
    else flags.set(name, true);
  }
  return {
    has: (name: string) => flags.has(name),
    number(name: string, fallback: number): number {
      const v = flags.get(name);
      if (v === undefined || v === true) return fallback;
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`--${name} expects a number, got ${JSON.stringify(v)}`);
      return n;
    },
  };
}
