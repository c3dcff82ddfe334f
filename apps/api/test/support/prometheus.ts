/** One sample of a Prometheus text exposition: the value of `name` whose labels include `labels`. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const { metric, labels: got, value } of samples(text)) {
    if (metric === name && Object.entries(labels).every(([k, v]) => got[k] === v)) return value;
  }
  return undefined;
}

/** Every sample line, parsed (comments skipped). */
export function samples(text: string): Array<{ metric: string; labels: Record<string, string>; value: number }> {
  return text.split('\n').flatMap((line) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) return [];
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    return [{ metric: m[1]!, labels, value: Number(m[3]) }];
  });
}
