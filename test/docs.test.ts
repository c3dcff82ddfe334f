// The documentation stays true: docs/configuration.md is what the config schemas say today, every relative
// link (and its #anchor) resolves, and every npm command the pages show is a script of package.json.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_DOC, configurationDoc } from '../scripts/config-docs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pages = ['README.md', 'apps/worker/README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);

/** Markdown without its fenced and inline code, where `[x](y)` is not a link. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

/** GitHub's heading anchors: lower case, punctuation dropped (code spans keep their text), spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = heading!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

describe('docs', () => {
  it('docs/configuration.md is what `npm run docs:config` writes from the schemas now', () => {
    expect(read(path.relative(root, CONFIGURATION_DOC)), 'run `npm run docs:config`').toBe(configurationDoc());
  });

  it.each(pages)('every relative link in %s resolves', (page) => {
    const broken: string[] = [];
    for (const [, target] of prose(read(page)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue; // http:, https:, mailto:
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = file === '' ? path.join(root, page) : path.resolve(path.dirname(path.join(root, page)), decodeURIComponent(file));
      if (!existsSync(resolved)) broken.push(`${target} (no such file)`);
      else if (anchor && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${target} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  it.each(pages)('every npm command %s shows is a script of package.json', (page) => {
    const text = read(page);
    const code = [...text.matchAll(/^```[\s\S]*?^```/gm), ...prose(text).matchAll(/`[^`\n]*`/g)].map((m) => m[0]).join('\n');
    const unknown: string[] = [];
    for (const [cmd, script, builtIn] of code.matchAll(/\bnpm (?:run(?: --silent)? ([a-z][\w:-]*)|([a-z]+))/g)) {
      const known = script !== undefined ? scripts.includes(script) : ['test', 'start'].includes(builtIn!) ? scripts.includes(builtIn!) : ['install', 'ci', 'help'].includes(builtIn!);
      if (!known) unknown.push(cmd);
    }
    expect(unknown).toEqual([]);
  });

  it("the README's test command is the one .ci/run runs", () => {
    const quickStart = read('README.md').split(/^## /m).find((s) => s.startsWith('Quick start'))!;
    expect(quickStart).toMatch(/^npm test\b/m);
    expect(read('.ci/run')).toMatch(/^npm test\b/m);
  });
});
