import { performance } from 'node:perf_hooks';
import type { Queue } from 'bullmq';
import type { Request, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Routing } from '@sentiment/registry';
import type { AnalyticsRouting } from './analytics-routing.js';
import type { ModelChoice } from './models/model-router.js';

/** Queue states reported by `bullmq_job_count`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

/** A scrape answers within Prometheus' default 10 s scrape timeout even when Redis hangs. */
const QUEUE_STATS_TIMEOUT_MS = 2000;

/** The label of requests no route handled: 404s, static files, and requests refused before routing (401, 413, 429, 503 queue_full). */
export const UNMATCHED_ROUTE = 'unmatched';

export interface ApiMetricsOptions {
  /** Queues whose depth (and BullMQ's completed/failed totals) are read at scrape time. */
  queues: Queue[];
  /** The queues' connection: while it is not ready, scrapes skip Redis (BullMQ would wait for it). */
  redis: Pick<Redis, 'status'>;
  logger: Logger;
  /** A queue snapshot younger than this is reused, so scrapes (never rate limited) cannot flood Redis. Default 1 s. */
  queueStatsCacheMs?: number;
}

export interface ApiMetrics {
  registry: Registry;
  /** Times every request; labels it with the Express route pattern (`/jobs/:id`), never the raw path. */
  timeRequests: RequestHandler;
  /** Counts a request's model choice (`sentiment_model_requests_total`, `sentiment_shadow_requests_total`). */
  modelChosen(choice: ModelChoice): void;
  /** Publishes the routing in effect (`sentiment_routing_weight`, `sentiment_shadow_rate`). */
  routingApplied(routing: Routing): void;
  /**
   * Publishes the analytics read replica's state (`sentiment_analytics_replica_lag_seconds`,
   * `sentiment_analytics_replica_up`, `sentiment_analytics_queries_total{target}`), read at scrape time.
   * Without a replica (never called) those series are absent.
   */
  analyticsRouting(routing: AnalyticsRouting): void;
}

interface QueueStats {
  queue: string;
  counts: Record<string, number>;
  completed: number;
  failed: number;
}

/**
 * The API's Prometheus registry: prom-client's process metrics, request latency per route, and the
 * queues' depth by state plus BullMQ's own completed/failed totals. The queue series keep the names
 * and labels of BullMQ's `Queue#exportPrometheusMetrics()` (so its dashboards work), but are read
 * with the calls it is built from: concatenating its text for two queues repeats `# HELP`/`# TYPE`
 * and splits metric families, which the exposition format forbids, and it reads every per-minute
 * data point (up to MetricsTime.ONE_WEEK of them) where only the total is needed.
 */
export function createApiMetrics({ queues, redis, logger, queueStatsCacheMs = 1000 }: ApiMetricsOptions): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by Express route pattern',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const stats = sharedFetch(() => readQueueStats(queues, redis, logger), queueStatsCacheMs);
  new Gauge({
    name: 'bullmq_job_count',
    help: 'Number of jobs in the queue by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const all = await stats();
      this.reset(); // Redis unreachable: no series rather than stale ones
      for (const s of all ?? []) for (const [state, n] of Object.entries(s.counts)) this.set({ queue: s.queue, state }, n);
    },
  });
  for (const kind of ['completed', 'failed'] as const) {
    new Counter({
      name: `bullmq_job_${kind}_total`,
      help: `Total number of ${kind} jobs (BullMQ's metrics, recorded by workers with the \`metrics\` option)`,
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        const all = await stats();
        this.reset();
        for (const s of all ?? []) this.inc({ queue: s.queue }, s[kind]);
      },
    });
  }

  const chosen = new Counter({
    name: 'sentiment_model_requests_total',
    help: 'Prediction requests by the model that answers them and how it was chosen (pinned by `model`, or by the split)',
    labelNames: ['model', 'how'],
    registers: [registry],
  });
  const shadowed = new Counter({
    name: 'sentiment_shadow_requests_total',
    help: 'Requests also sent to a shadow model, by shadow model',
    labelNames: ['model'],
    registers: [registry],
  });
  const weight = new Gauge({
    name: 'sentiment_routing_weight',
    help: "This instance's traffic split: weight of each target (alias or model) and the model it points at",
    labelNames: ['target', 'model'],
    registers: [registry],
  });
  const shadowRate = new Gauge({
    name: 'sentiment_shadow_rate',
    help: 'Share of routed requests the shadow model also answers',
    labelNames: ['model'],
    registers: [registry],
  });

  let replicaWatched = false;
  return {
    registry,
    analyticsRouting(routing) {
      if (replicaWatched) return;
      replicaWatched = true;
      new Gauge({
        name: 'sentiment_analytics_replica_lag_seconds',
        help: "Seconds the analytics read replica's replayed data is behind the primary, as it measures it (0 when it has replayed all it received); no sample while it is down or not a standby",
        registers: [registry],
        collect() {
          const { lagS } = routing.health();
          if (lagS === null) this.remove({}); // unknown: no sample rather than a 0
          else this.set(lagS);
        },
      });
      new Gauge({
        name: 'sentiment_analytics_replica_up',
        help: 'Whether the analytics read replica answered its last check (1) or not (0); a lagging replica is up but skipped',
        registers: [registry],
        collect() {
          this.set(routing.health().state === 'down' ? 0 : 1);
        },
      });
      new Counter({
        name: 'sentiment_analytics_queries_total',
        help: 'Analytics answers by the server that gave them: `replica`, or `primary` (the replica down, lagging, or failing that query)',
        labelNames: ['target'],
        registers: [registry],
        collect() {
          const q = routing.queries();
          this.reset();
          this.inc({ target: 'replica' }, q.replica);
          this.inc({ target: 'primary' }, q.primary);
        },
      });
    },
    modelChosen(choice) {
      chosen.inc({ model: choice.model, how: choice.how });
      if (choice.shadow) shadowed.inc({ model: choice.shadow });
    },
    routingApplied(routing) {
      weight.reset();
      for (const [target, w] of Object.entries(routing.split)) weight.set({ target, model: routing.aliases[target] ?? target }, w);
      shadowRate.reset();
      if (routing.shadow) shadowRate.set({ model: routing.aliases[routing.shadow.model] ?? routing.shadow.model }, routing.shadow.rate);
    },
    timeRequests(req, res, next) {
      const end = duration.startTimer();
      const route = capturePattern(req);
      res.once('finish', () => end({ method: req.method, route: route() ?? UNMATCHED_ROUTE, status_code: res.statusCode }));
      next();
    },
  };
}

/**
 * The full pattern of the route that handled `req`. Express sets `req.route` when a route matches,
 * while `req.baseUrl` still names the router it is mounted on; by the time the response is sent
 * (e.g. by the error handler after a 404 thrown in `/jobs/:id`) the router has already restored
 * `baseUrl`, so both are read at that moment.
 */
function capturePattern(req: Request): () => string | undefined {
  let route: unknown;
  let pattern: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      const full = `${req.baseUrl}${String(value?.path ?? '')}`;
      pattern = full.length > 1 && full.endsWith('/') ? full.slice(0, -1) : full;
    },
  });
  return () => pattern;
}

/** One BullMQ script per call, all sent at once: one round trip per scrape whatever the number of queues. */
async function readQueueStats(queues: Queue[], redis: Pick<Redis, 'status'>, logger: Logger): Promise<QueueStats[] | undefined> {
  // Redis down: the outage is logged once by the queue clients; the scrape still answers, without queue series.
  if (redis.status !== 'ready') return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis in ${QUEUE_STATS_TIMEOUT_MS} ms`)), QUEUE_STATS_TIMEOUT_MS);
  });
  const read = Promise.all(
    queues.map(async (q) => {
      // getMetrics(type, 0, 0): the running total plus one data point, not the whole per-minute list.
      const [counts, completed, failed] = await Promise.all([
        q.getJobCounts(...QUEUE_STATES),
        q.getMetrics('completed', 0, 0),
        q.getMetrics('failed', 0, 0),
      ]);
      return { queue: q.name, counts, completed: completed.meta.count, failed: failed.meta.count };
    }),
  );
  try {
    return await Promise.race([read, timeout]);
  } catch (err) {
    logger.debug({ err }, 'queue metrics unavailable');
    return undefined;
  } finally {
    clearTimeout(timer);
    read.catch(() => {}); // lost the race: its late failure is of no interest
  }
}

/** Calls `fetch` at most once per `maxAgeMs`; concurrent callers (the metrics of one scrape) share one call. */
function sharedFetch<T>(fetch: () => Promise<T>, maxAgeMs: number): () => Promise<T> {
  let last: { at: number; settled: boolean; value: Promise<T> } | undefined;
  return () => {
    if (last && (!last.settled || performance.now() - last.at < maxAgeMs)) return last.value;
    const entry = { at: performance.now(), settled: false, value: fetch() };
    const settle = () => {
      entry.settled = true;
      entry.at = performance.now();
    };
    entry.value.then(settle, settle);
    last = entry;
    return entry.value;
  };
}
