import type { Logger } from 'pino';

export type ShutdownStep = readonly [name: string, run: () => Promise<unknown>];

/**
 * On SIGTERM/SIGINT runs the steps in order and exits 0; past `timeoutMs` (or on a second signal)
 * exits 1 anyway: jobs still active then lose their locks and go back to the queue as stalled.
 */
export function installShutdown(steps: readonly ShutdownStep[], { timeoutMs, logger }: { timeoutMs: number; logger: Logger }): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, 'shutting down: finishing active jobs');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting (active jobs will be retried as stalled)');
      process.exit(1);
    }, timeoutMs).unref();
    void runSteps(steps, logger).then((ok) => process.exit(ok ? 0 : 1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function runSteps(steps: readonly ShutdownStep[], logger: Logger): Promise<boolean> {
  let ok = true;
  for (const [name, run] of steps) {
    try {
      await run();
      logger.debug({ step: name }, 'shutdown step done');
    } catch (err) {
      ok = false;
      logger.error({ err, step: name }, 'shutdown step failed');
    }
  }
  if (ok) logger.info('shutdown complete');
  return ok;
}
