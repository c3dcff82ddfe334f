import v8 from 'node:v8';
import { z } from 'zod';

/** HEAP_GROWING_PERCENT, with each program's own default (the API 25, the worker 0: docs/benchmarks.md, Memory). */
export const heapEnv = (defaultPercent: number) =>
  z.object({
    HEAP_GROWING_PERCENT: z.coerce
      .number()
      .int()
      .min(0)
      .max(300)
      .default(defaultPercent)
      .describe("V8 lets the old generation grow to (1 + n/100) × its live size before the next full GC (`0`: V8's default, up to 4×): less RSS under load for more full GCs, in every thread of the process."),
  });

/**
 * A process whose live heap is small but which allocates fast (request garbage, tokenizer strings, ORM
 * entities) piles promoted garbage up to several times its live size between full GCs with V8's default
 * growth: a fixed small factor keeps RSS flat for more frequent, cheap full GCs. The flag is process-wide and
 * read at every GC, so it reaches worker threads too. `0` leaves V8's default.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
