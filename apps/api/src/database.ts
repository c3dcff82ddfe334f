import type { Logger } from 'pino';
import { createAnalyticsRepository, initOrm, type AnalyticsRepository } from '@sentiment/db';
import { DatabaseUnavailableError } from './errors.js';
import { redactUrl } from './queue-clients.js';

export interface DatabaseOptions {
  clientUrl: string;
  schema?: string;
  logger: Logger;
  /** Pause between connection attempts while Postgres is unreachable at startup. */
  retryMs?: number;
}

export interface Database {
  /** Answers 503 (DatabaseUnavailableError) until the ORM is up; `ping` rejects meanwhile. */
  analytics: AnalyticsRepository;
  close(): Promise<void>;
}

/**
 * Connects to Postgres in the background and keeps retrying, so the API can start
 * (and report itself not ready) before the database is up, instead of crash-looping.
 */
export function connectDatabase({ clientUrl, schema, logger, retryMs = 5000 }: DatabaseOptions): Database {
  let orm: Awaited<ReturnType<typeof initOrm>> | undefined;
  let repo: AnalyticsRepository | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const attempt = async (failures: number): Promise<void> => {
    try {
      const o = await initOrm({ clientUrl, schema, poolMax: 5 });
      if (closed) return void (await o.close(true));
      orm = o;
      repo = createAnalyticsRepository(o);
      if (failures > 0) logger.info({ databaseUrl: redactUrl(clientUrl) }, 'Postgres is reachable now');
    } catch (err) {
      if (failures === 0) {
        logger.error(
          { err: (err as Error).message, databaseUrl: redactUrl(clientUrl) },
          'Postgres is unreachable; retrying in the background. Start it with `docker compose up -d postgres redis`',
        );
      }
      if (!closed) timer = setTimeout(() => void attempt(failures + 1), retryMs);
    }
  };
  void attempt(0);

  const ready = (): AnalyticsRepository => {
    if (!repo) throw new DatabaseUnavailableError();
    return repo;
  };

  return {
    analytics: {
      summary: async (f) => ready().summary(f),
      distribution: async (f) => ready().distribution(f),
      recent: async (o) => ready().recent(o),
      ping: async () => ready().ping(),
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await orm?.close(true);
    },
  };
}
