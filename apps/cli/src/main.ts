// The `sentiment` command (bin/sentiment.js runs this file through tsx).
import { run } from './program.js';

const controller = new AbortController();
// First Ctrl-C: stop cleanly (the state file is already saved); a second one kills at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());

process.exitCode = await run(process.argv, controller.signal);
