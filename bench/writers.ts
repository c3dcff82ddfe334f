// bench:pipeline --writers: /jobs end to end with each prediction writer (DB_WRITER), in one run, against
// the unit of work's ≤ 15 % target (bench/worker-variants.ts alternates them).
import type { Stack } from '../test/support/stack.js';
import { fmt } from './load.js';
import type { TextSource } from './texts.js';
import { compareWorkerVariants } from './worker-variants.js';

export async function compareWriters(stack: Stack, opts: { texts: TextSource; jobTexts: number; reps: number; workerEnv: Record<string, string> }): Promise<void> {
  const { medianRatio, cacheHits } = await compareWorkerVariants(stack, {
    ...opts,
    variants: [
      { name: 'unit-of-work', env: { DB_WRITER: 'unit-of-work' } },
      { name: 'sql', env: { DB_WRITER: 'sql' } },
    ],
  });
  const cost = 1 - medianRatio;
  console.log(
    `→ the unit of work costs ${fmt(cost * 100, 1)} % of /jobs throughput (target ≤ 15 %: ${cacheHits > 0 ? 'INVALID (cache hits)' : cost <= 0.15 ? 'met' : 'NOT met'})`,
  );
}
