// npm run bench:bodies — what the largest bodies each route accepts (and a hostile one it refuses) cost the
// API's event loop: its own monitorEventLoopDelay maximum (prom-client's nodejs_eventloop_lag_max_seconds,
// reset by each scrape), the slowest /health answer while the body is handled, and the API's RSS.
// One API process, no worker (texts just wait in the queue).
import { readFileSync } from 'node:fs';
import { startBenchStack } from './stack.js';
import { fmt, printTable } from './load.js';

const stack = await startBenchStack('bodies', { workers: 0 });
const pid = stack.api.child.pid!;
const rssMiB = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const lagMaxMs = async () => {
  const text = await (await fetch(`${stack.url}/metrics`)).text();
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000;
};

const escapedText = '\\u00e9'.repeat(5000); // 5,000 characters, 30,000 bytes of JSON
const cases: Array<{ name: string; path: string; body: () => string; copies?: number }> = [
  { name: '/predict, 1 text, all escaped (30 KB)', path: '/predict?async=true', body: () => `{"text":"${escapedText}"}` },
  { name: '/batch, 100 texts, all escaped (3 MB)', path: '/batch?async=true', body: () => `{"texts":[${Array(100).fill(`"${escapedText}"`).join(',')}]}` },
  { name: '/jobs, 530 texts, all escaped (15.9 MB)', path: '/jobs', body: () => `{"texts":[${Array(530).fill(`"${escapedText}"`).join(',')}]}` },
  { name: '/jobs, 1.37M distinct keys (refused)', path: '/jobs', body: () => `{${Array.from({ length: 1_376_017 }, (_, i) => `"${i.toString(36)}x":1`).join(',')}}` },
  { name: 'the same, 4 at once', path: '/jobs', body: () => `{${Array.from({ length: 1_376_017 }, (_, i) => `"${i.toString(36)}x":1`).join(',')}}`, copies: 4 },
];

try {
  const rows: (string | number)[][] = [];
  for (const c of cases) {
    const body = c.body();
    await lagMaxMs(); // resets the histogram
    const rssBefore = rssMiB();
    let slowestHealth = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t = performance.now();
        await fetch(`${stack.url}/health`);
        slowestHealth = Math.max(slowestHealth, performance.now() - t);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: c.copies ?? 1 }, () => fetch(`${stack.url}${c.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.status)),
    );
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 200));
    polling = false;
    await poller;
    rows.push([c.name, `${(Buffer.byteLength(body) / 1e6).toFixed(2)} MB`, answers.join(' '), fmt(ms, 0), fmt(await lagMaxMs(), 1), fmt(slowestHealth, 1), fmt(rssBefore, 0), fmt(rssMiB(), 0)]);
  }
  console.log(`\nThe API handling its largest valid bodies and a hostile one (${new Date().toISOString()})`);
  printTable(['body', 'size', 'status', 'answered ms', 'loop delay max ms', 'slowest /health ms', 'RSS before MiB', 'RSS after MiB'], rows);
} finally {
  await stack.stop();
}
