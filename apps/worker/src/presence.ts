import { announceModel, PRESENCE_EVERY_MS, withdrawModel } from '@sentiment/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Keeps this worker's models on the deployment's model list (GET /models, pinning) while it runs. */
export function announcePresence(redis: Redis, prefix: string, worker: string, models: ReadonlyArray<{ name: string; version: string }>, logger: Logger) {
  const announce = () =>
    Promise.all(models.map((m) => announceModel(redis, prefix, m.name, m.version, worker))).catch((err: unknown) =>
      logger.debug({ err }, 'could not announce the served models; retrying'),
    );
  void announce();
  const timer = setInterval(() => void announce(), PRESENCE_EVERY_MS);
  timer.unref();
  return {
    async withdraw() {
      clearInterval(timer);
      await Promise.all(models.map((m) => withdrawModel(redis, prefix, m.name, m.version, worker))).catch((err: unknown) =>
        logger.debug({ err }, 'could not withdraw the served models; they expire on their own'),
      );
    },
  };
}
