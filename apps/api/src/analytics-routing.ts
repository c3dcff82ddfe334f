import type { Logger } from 'pino';
import type { AnalyticsRepository, ReplicationStatus } from '@sentiment/db';
import { isDatabaseDown } from './error-handler.js';

/**
 * The read replica as the API last saw it: `ok` (analytics are read from it), `lagging` (it answers but
 * is more than ANALYTICS_MAX_LAG_S behind, or its lag is unknown), `down` (no answer within the check's
 * bound), `off` (no ANALYTICS_DATABASE_URL).
 */
export type ReplicaState = 'ok' | 'lagging' | 'down' | 'off';

export interface ReplicaHealth {
  state: ReplicaState;
  /** Seconds behind the primary, as the replica measures it; null when unknown (down, off, not a standby). */
  lagS: number | null;
  /** False when the server answers but is not in recovery (not a standby, or promoted): no lag to measure. */
  standby: boolean | null;
  /** Why it is down (the last error), for /ready. */
  error?: string;
}

export interface AnalyticsRouting {
  health(): ReplicaHealth;
  /** Analytics answers served so far, by the server that answered them. */
  queries(): { replica: number; primary: number };
  maxLagS: number;
}

/** An analytics repository that may read a replica: `routing` says how (absent: everything on the primary). */
export type RoutedAnalytics = AnalyticsRepository & { routing?: AnalyticsRouting };

export interface ReplicaRoutingOptions {
  primary: AnalyticsRepository;
  replica: AnalyticsRepository;
  /** Reads the replica's own replication status (pg_is_in_recovery, replay lag). */
  status(): Promise<ReplicationStatus>;
  maxLagS: number;
  logger: Logger;
  /** How often the replica's health and lag are read. Default 2 s. */
  checkEveryMs?: number;
  /** A check without an answer within this marks the replica down. Default 2 s. */
  checkTimeoutMs?: number;
}

/** A statement the standby cancelled because replay needed its rows (hot standby conflict): the primary can answer it. */
const RECOVERY_CONFLICT = '40001';

/**
 * Analytics reads go to the replica while its last check said `ok`, and to the primary otherwise.
 *
 * The replica's state is read in the background every `checkEveryMs` (each check bounded by
 * `checkTimeoutMs`), so requests never each wait for a dead replica's timeout: while it is down or
 * lagging they go straight to the primary. A request sent to the replica that fails at the connection
 * level (refused, reset, terminated, no connection in time, a standby starting up, a recovery conflict)
 * is answered by the primary at once, and a connection failure marks the replica down until the next
 * successful check. A request waiting on a replica that stops answering (hung, not refused) is answered
 * by the primary as soon as a check marks the replica down, so no request waits on it longer than about
 * `checkEveryMs + checkTimeoutMs`. `ping` (the `postgres` check of /ready) is always the primary's.
 */
export function replicaRouting(options: ReplicaRoutingOptions): { analytics: RoutedAnalytics; close(): void } {
  const { primary, replica, status, maxLagS, logger, checkEveryMs = 2000, checkTimeoutMs = 2000 } = options;
  let health: ReplicaHealth = { state: 'down', lagS: null, standby: null, error: 'not checked yet' };
  const counts = { replica: 0, primary: 0 };
  /** Requests in flight on the replica, released when it is found down. */
  const waiting = new Set<() => void>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let warnedNotStandby = false;

  const set = (next: ReplicaHealth) => {
    const before = health;
    health = next;
    if (next.state === 'down') for (const release of [...waiting]) release();
    if (before.state === next.state) return;
    if (next.state === 'down' && before.error !== 'not checked yet') {
      logger.warn({ err: next.error }, 'analytics replica unreachable: analytics are read from the primary until it answers');
    } else if (next.state === 'down') {
      logger.warn({ err: next.error }, 'analytics replica unreachable at start: analytics are read from the primary until it answers');
    } else if (next.state === 'lagging') {
      logger.warn({ lagS: next.lagS, maxLagS }, 'analytics replica lags behind the primary: analytics are read from the primary until it catches up');
    } else {
      logger.info({ lagS: next.lagS }, 'analytics replica serving');
    }
  };

  const check = async () => {
    let timeout: NodeJS.Timeout | undefined;
    try {
      const s = await Promise.race([
        status(),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no answer in ${checkTimeoutMs} ms`)), checkTimeoutMs);
        }),
      ]);
      if (!s.inRecovery) {
        if (!warnedNotStandby) logger.warn('ANALYTICS_DATABASE_URL is not a standby (pg_is_in_recovery() is false): analytics read it, no lag is measured');
        warnedNotStandby = true;
        set({ state: 'ok', lagS: null, standby: false });
      } else {
        set({ state: s.lagS !== null && s.lagS <= maxLagS ? 'ok' : 'lagging', lagS: s.lagS, standby: true });
      }
    } catch (err) {
      set({ state: 'down', lagS: null, standby: null, error: errorText(err) });
    } finally {
      clearTimeout(timeout);
    }
  };

  const loop = async () => {
    await check();
    if (!closed) timer = setTimeout(() => void loop(), checkEveryMs).unref();
  };
  void loop();

  /** Resolves with `undefined` when the replica is found down before `query` settles. */
  const unlessDown = <T>(query: Promise<T>): Promise<{ value: T } | undefined> => {
    let release!: () => void;
    const down = new Promise<undefined>((resolve) => {
      release = () => resolve(undefined);
    });
    waiting.add(release);
    query.catch(() => undefined); // lost the race: its late failure is of no interest
    return Promise.race([query.then((value) => ({ value })), down]).finally(() => waiting.delete(release));
  };

  const route = async <T>(run: (repo: AnalyticsRepository) => Promise<T>): Promise<T> => {
    if (health.state === 'ok') {
      try {
        const answer = await unlessDown(run(replica));
        if (answer) {
          counts.replica++;
          return answer.value;
        }
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        if (isDatabaseDown(err) || /Query read timeout/.test(String((err as Error)?.message))) set({ state: 'down', lagS: null, standby: null, error: errorText(err) });
        else if (code !== RECOVERY_CONFLICT) throw err; // the query's own error: the primary would say the same
      }
    }
    const value = await run(primary);
    counts.primary++;
    return value;
  };

  const analytics: RoutedAnalytics = {
    summary: (f) => route((r) => r.summary(f)),
    distribution: (f) => route((r) => r.distribution(f)),
    recent: (o) => route((r) => r.recent(o)),
    recentPage: (o) => route((r) => r.recentPage(o)),
    timeseries: (o) => route((r) => r.timeseries(o)),
    latency: (f) => route((r) => r.latency(f)),
    models: (f) => route((r) => r.models(f)),
    compare: (o) => route((r) => r.compare(o)),
    ping: () => primary.ping(),
    routing: {
      health: () => health,
      queries: () => ({ ...counts }),
      maxLagS,
    },
  };
  return {
    analytics,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const release of [...waiting]) release();
    },
  };
}

/** An error as /ready may show it: the message's first line, short; pg's messages hold no password. */
function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' && e.message ? e.message.split('\n')[0]!.slice(0, 200) : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
