// The frame every fault script runs in: a hard time bound, cleanup on every exit path (success,
// failure, timeout, Ctrl-C), and exactly one `VERDICT:` line with a matching exit code.
export interface Verdict {
  pass: boolean;
  summary: string;
}

export interface RunContext {
  /** Registered cleanups run last-in first-out, each bounded, whatever happened. */
  onCleanup(fn: () => Promise<unknown> | unknown): void;
  /** Printed to stderr when the verdict is FAIL (e.g. the processes' log tails). */
  onFailureDiagnostics(fn: () => string): void;
  log(message: string): void;
}

const CLEANUP_STEP_MS = 30_000;

export async function runScript(name: string, timeoutMs: number, body: (ctx: RunContext) => Promise<Verdict>): Promise<never> {
  const started = Date.now();
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const diagnostics: Array<() => string> = [];
  let finishing = false;

  const finish = async (verdict: Verdict): Promise<never> => {
    if (finishing) return new Promise<never>(() => {});
    finishing = true;
    if (!verdict.pass) for (const d of diagnostics) safeWrite(d);
    for (const fn of cleanups.reverse()) {
      try {
        await Promise.race([Promise.resolve().then(fn), new Promise((r) => setTimeout(r, CLEANUP_STEP_MS).unref())]);
      } catch (err) {
        console.error(`[${name}] cleanup step failed: ${String(err)}`);
      }
    }
    const took = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`VERDICT: ${verdict.pass ? 'PASS' : 'FAIL'} ${verdict.summary} (${took} s)`);
    process.exit(verdict.pass ? 0 : 1);
  };

  const watchdog = setTimeout(() => void finish({ pass: false, summary: `timed out after ${timeoutMs / 1000} s` }), timeoutMs);
  watchdog.unref();
  process.once('SIGINT', () => void finish({ pass: false, summary: 'interrupted' }));
  process.once('SIGTERM', () => void finish({ pass: false, summary: 'terminated' }));

  const ctx: RunContext = {
    onCleanup: (fn) => cleanups.push(fn),
    onFailureDiagnostics: (fn) => diagnostics.push(fn),
    log: (message) => console.log(`[${name} +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`),
  };
  try {
    return await finish(await body(ctx));
  } catch (err) {
    return finish({ pass: false, summary: `error: ${err instanceof Error ? err.stack ?? err.message : String(err)}` });
  }
}

function safeWrite(d: () => string): void {
  try {
    console.error(d());
  } catch {
    // diagnostics must never hide the verdict
  }
}

/** Collects failed checks; the verdict passes only when none failed. */
export function checks() {
  const failed: string[] = [];
  return {
    expect(ok: boolean, what: string) {
      if (!ok) failed.push(what);
    },
    verdict(counts: string): Verdict {
      return failed.length === 0 ? { pass: true, summary: counts } : { pass: false, summary: `${failed.join('; ')} | ${counts}` };
    },
  };
}
