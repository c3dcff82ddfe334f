// Real answers of the API, captured from a running stack (API, worker, the shipped model, Postgres, Redis),
// except those marked "from the code": states that are hard to reach on purpose (a race on one idempotency
// key, an expired idempotent job, a job failing for good while a request waits); their messages are
// the ones in apps/api/src. apps/api/test/openapi.test.ts parses each with the zod schema it documents.
import type { AnalyticsSummary, LatencyStats, ModelsList, RecentPage, SentimentDistribution, Timeseries } from '../analytics.js';
import type { ErrorBody } from '../errors.js';
import type { Health, Readiness } from '../health.js';
import type { ModelCatalog, RoutingBody } from '../models.js';
import type { JobAccepted, JobsAccepted, JobStatus } from '../jobs.js';
import type { BatchResponse, Prediction } from '../predictions.js';
import type { BatchBody, JobsBody, PredictBody } from '../requests.js';
import type { Example, Examples } from './http.js';

export const requests = {
  predict: {
    one: {
      summary: 'One review',
      value: { text: 'An absolute joy to watch.' },
    },
    pinned: {
      summary: 'Answered by a chosen model (name, alias or full model_version)',
      value: { text: 'The package arrived on Tuesday.', model: 'sentiment-sst2-v1' },
    },
  } satisfies Examples<PredictBody>,
  routing: {
    canary: {
      summary: 'Send 10% of callers to the old model, shadow 5% with it',
      value: {
        aliases: { stable: 'sentiment-multi-v2', previous: 'sentiment-sst2-v1' },
        split: { stable: 90, previous: 10 },
        sticky: 'client',
        shadow: { model: 'previous', rate: 0.05 },
      },
    },
    rollout: {
      summary: 'Roll stable over to another model: every new request goes there',
      value: { aliases: { stable: 'sentiment-sst2-v1', previous: 'sentiment-multi-v2' }, split: { stable: 100 }, sticky: 'none', shadow: null },
    },
  } satisfies Examples<RoutingBody>,
  batch: {
    three: {
      summary: 'Three texts',
      value: {
        texts: ['a thoroughly awful, boring mess', 'The acting was superb and the story moving.', 'It is a film.'],
      },
    },
  } satisfies Examples<BatchBody>,
  jobs: {
    three: {
      summary: 'Bulk work (up to 10,000 texts)',
      value: { texts: ['great', 'terrible', 'fine, I guess'] },
    },
  } satisfies Examples<JobsBody>,
};

export const predictions = {
  predict: {
    positive: {
      summary: 'Positive',
      value: {
        id: '5697be29-d7b2-5366-8a7e-b8d28d3be466',
        sentiment: 'positive',
        confidence: 0.9816855469373432,
        latency_ms: 2.487,
        model_version: 'sentiment-multi-v2+5365d819',
        cache_hit: false,
      },
    },
    negative: {
      summary: 'Negative',
      value: {
        id: '3dcadfa9-aeeb-5c85-b5c9-e64f692aea42',
        sentiment: 'negative',
        confidence: 0.9935395189780086,
        latency_ms: 1.042,
        model_version: 'sentiment-multi-v2+5365d819',
        cache_hit: false,
      },
    },
  } satisfies Examples<Prediction>,
  batch: {
    three: {
      summary: 'In input order (the first text was answered from the result cache)',
      value: {
        predictions: [
          {
            id: 'ec79042c-87a7-5418-bb3d-78dfb34c2e5c',
            sentiment: 'negative',
            confidence: 0.9935395189780086,
            latency_ms: 1.725,
            model_version: 'sentiment-multi-v2+5365d819',
            cache_hit: true,
          },
          {
            id: 'eccacc96-32b5-5b24-bd02-465ab208e017',
            sentiment: 'positive',
            confidence: 0.9870701530947074,
            latency_ms: 2.846,
            model_version: 'sentiment-multi-v2+5365d819',
            cache_hit: false,
          },
          {
            id: 'e72ce40d-a7fd-5a7e-aff2-60d40b49ac50',
            sentiment: 'positive',
            confidence: 0.8714063268258756,
            latency_ms: 2.846,
            model_version: 'sentiment-multi-v2+5365d819',
            cache_hit: false,
          },
        ],
        total: 3,
      },
    },
  } satisfies Examples<BatchResponse>,
};

export const jobs = {
  acceptedInteractive: {
    queued: {
      summary: 'Prefer: respond-async (or not done within SYNC_TIMEOUT_MS)',
      value: {
        job_id: '73d101b2-6a69-44aa-a82e-7eb48eb5e300',
        status: 'queued',
        status_url: '/jobs/73d101b2-6a69-44aa-a82e-7eb48eb5e300',
      },
    },
  } satisfies Examples<JobAccepted>,
  acceptedBulk: {
    queued: {
      summary: 'Queued',
      value: {
        job_id: '01a24d13-5799-741b-b7ff-b644a9ec986a',
        status: 'queued',
        status_url: '/jobs/01a24d13-5799-741b-b7ff-b644a9ec986a',
        total: 3,
      },
    },
    replayed: {
      summary: 'The same Idempotency-Key again (Idempotent-Replayed: true)',
      value: {
        job_id: '12494819-3fff-4a73-974a-b13962d88cc8',
        status: 'active',
        status_url: '/jobs/12494819-3fff-4a73-974a-b13962d88cc8',
        total: 1,
      },
    },
  } satisfies Examples<JobsAccepted>,
  status: {
    active: {
      summary: 'Running: 0 of 3000 texts done',
      value: {
        job_id: 'c549de18-e091-49ab-a98e-74df0ffab1d3',
        status: 'active',
        progress: { done: 0, total: 3000 },
        created_at: '2026-11-27T06:15:31.437Z',
        finished_at: null,
      },
    },
    completed: {
      summary: 'Completed, with the result',
      value: {
        job_id: '01a24d13-5799-741b-b7ff-b644a9ec986a',
        status: 'completed',
        progress: { done: 3, total: 3 },
        created_at: '2026-12-06T20:37:22.970Z',
        finished_at: '2026-12-06T20:37:23.060Z',
        result: {
          predictions: [
            {
              id: '861bc01f-27a0-57fe-96da-a3801a724581',
              sentiment: 'positive',
              confidence: 0.9962676702000474,
              latency_ms: 5.755,
              model_version: 'sentiment-multi-v2+5365d819',
              cache_hit: false,
            },
            {
              id: '9147070d-5d3e-59f3-85c6-e488f3df285e',
              sentiment: 'negative',
              confidence: 0.9640002111022367,
              latency_ms: 5.755,
              model_version: 'sentiment-multi-v2+5365d819',
              cache_hit: false,
            },
            {
              id: 'bc92820d-518c-523d-b693-d97dbfc4b9ab',
              sentiment: 'positive',
              confidence: 0.77982616627064,
              latency_ms: 5.755,
              model_version: 'sentiment-multi-v2+5365d819',
              cache_hit: false,
            },
          ],
          total: 3,
        },
      },
    },
    failed: {
      summary: 'Failed for good (here: a malformed job put on the queue by hand)',
      value: {
        job_id: '38ed3d74-8a62-4e3a-a911-ead5a652de84',
        status: 'failed',
        progress: { done: 0, total: 0 },
        created_at: '2026-11-27T06:15:33.425Z',
        finished_at: '2026-11-27T06:15:33.441Z',
        error: {
          code: 'job_failed',
          message: 'invalid classify job: texts: Too small: expected array to have >=1 items',
        },
      },
    },
  } satisfies Examples<JobStatus>,
};

export const health = {
  live: {
    ok: {
      summary: 'Alive',
      value: { status: 'ok' },
    },
  } satisfies Examples<Health>,
  ready: {
    ok: {
      summary: 'Ready',
      value: { status: 'ok', checks: { redis: 'ok', postgres: 'ok', workers: 1, writes: 'ok', persistence: 'aof', replica: 'off', replica_lag_s: null }, problems: [] },
    },
    postgres_down: {
      summary: 'Postgres down: predictions go on, rows wait in Redis',
      value: {
        status: 'degraded',
        checks: { redis: 'ok', postgres: 'down', workers: 2, writes: 'ok', persistence: 'aof', replica: 'off', replica_lag_s: null },
        problems: ['postgres: unreachable; predictions continue and their rows wait in the persist queue, analytics answer 503'],
      },
    },
    replica: {
      summary: 'Analytics served by a read replica 0.4 s behind',
      value: { status: 'ok', checks: { redis: 'ok', postgres: 'ok', workers: 1, writes: 'ok', persistence: 'aof', replica: 'ok', replica_lag_s: 0.4 }, problems: [] },
    },
    replica_down: {
      summary: 'Read replica down: analytics are read from the primary',
      value: {
        status: 'degraded',
        checks: { redis: 'ok', postgres: 'ok', workers: 1, writes: 'ok', persistence: 'aof', replica: 'down', replica_lag_s: null },
        problems: ['replica: ANALYTICS_DATABASE_URL does not answer (connect ECONNREFUSED 127.0.0.1:5433); analytics are read from the primary'],
      },
    },
    replica_lagging: {
      summary: 'Read replica lagging: analytics are read from the primary until it catches up',
      value: {
        status: 'degraded',
        checks: { redis: 'ok', postgres: 'ok', workers: 1, writes: 'ok', persistence: 'aof', replica: 'lagging', replica_lag_s: 94.2 },
        problems: ['replica: 94.2 s behind the primary (ANALYTICS_MAX_LAG_S 30); analytics are read from the primary until it catches up'],
      },
    },
  } satisfies Examples<Readiness>,
  notReady: {
    no_worker: {
      summary: 'No worker connected',
      value: {
        status: 'unavailable',
        checks: { redis: 'ok', postgres: 'ok', workers: 0, writes: 'ok', persistence: 'aof', replica: 'off', replica_lag_s: null },
        problems: ['workers: none connected to the prediction queue; requests would wait and turn into 202s'],
      },
    },
    writes_refused: {
      summary: 'Postgres refuses the rows for good',
      value: {
        status: 'unavailable',
        checks: { redis: 'ok', postgres: 'ok', workers: 1, writes: 'refused', persistence: 'aof', replica: 'off', replica_lag_s: null },
        problems: ['writes: Postgres refused prediction rows (SQLSTATE 22001, column model_version): model_version is 63 characters, longer than the column\'s 50'],
      },
    },
    draining: {
      summary: 'Shutting down (from the code)',
      value: { status: 'draining' },
    },
  } satisfies Examples<Readiness>,
};

export const errors = {
  blankText: {
    summary: 'Blank text',
    value: {
      error: {
        code: 'validation_error',
        message: 'invalid request body',
        details: [{ path: ['text'], code: 'custom', message: 'text is empty or whitespace only' }],
      },
    },
  },
  wrongType: {
    summary: 'Not a string',
    value: {
      error: {
        code: 'validation_error',
        message: 'invalid request body',
        details: [
          { path: ['text'], code: 'invalid_type', message: 'Invalid input: expected string, received number' },
        ],
      },
    },
  },
  tooManyTexts: {
    summary: 'Over 100 texts in /batch',
    value: {
      error: {
        code: 'validation_error',
        message: 'invalid request body',
        details: [{ path: ['texts'], code: 'too_big', message: 'Too big: expected array to have <=100 items' }],
      },
    },
  },
  noTexts: {
    summary: 'An empty list',
    value: {
      error: {
        code: 'validation_error',
        message: 'invalid request body',
        details: [{ path: ['texts'], code: 'too_small', message: 'Too small: expected array to have >=1 items' }],
      },
    },
  },
  invalidJson: {
    summary: 'Malformed JSON',
    value: { error: { code: 'invalid_json', message: 'the request body is not valid JSON' } },
  },
  repeatedKey: {
    summary: 'A key repeated in one object',
    value: {
      error: {
        code: 'invalid_json',
        message: 'the request body repeats the key "text" in one object; send each key once',
      },
    },
  },
  badIdempotencyKey: {
    summary: 'Malformed Idempotency-Key',
    value: {
      error: {
        code: 'validation_error',
        message: 'invalid Idempotency-Key header',
        details: [
          {
            path: ['Idempotency-Key'],
            code: 'invalid_format',
            message: 'expected 1 to 255 visible ASCII characters',
          },
        ],
      },
    },
  },
  jobExpired: {
    summary: 'The key\'s job has expired (from the code)',
    value: {
      error: {
        code: 'job_expired',
        message: 'the job created with this Idempotency-Key has expired; use a new key to run it again',
        details: { job_id: '12494819-3fff-4a73-974a-b13962d88cc8' },
      },
    },
  },
  payloadTooLarge: {
    summary: 'With BODY_LIMIT=1kb',
    value: { error: { code: 'payload_too_large', message: 'the request body is larger than 1024 bytes' } },
  },
  unsupportedMediaType: {
    summary: 'Content-Type: text/plain',
    value: { error: { code: 'unsupported_media_type', message: 'send the body as application/json' } },
  },
  keyReused: {
    summary: 'The same Idempotency-Key with other texts',
    value: {
      error: {
        code: 'idempotency_key_reused',
        message: 'this Idempotency-Key was already used with a different request body',
        details: { job_id: '12494819-3fff-4a73-974a-b13962d88cc8' },
      },
    },
  },
  queueFull: {
    summary: 'MAX_QUEUE_DEPTH=1 reached',
    value: {
      error: { code: 'queue_full', message: 'the prediction queue holds 1 or more waiting texts; retry later' },
    },
  },
  queueUnavailable: {
    summary: 'Redis unreachable',
    value: { error: { code: 'queue_unavailable', message: 'the prediction queue is unavailable, retry later' } },
  },
  jobFailed: {
    summary: 'The job failed for good (from the code; the message is the worker\'s reason)',
    value: {
      error: {
        code: 'job_failed',
        message: 'invalid classify job: texts: Too small: expected array to have >=1 items',
        details: {
          job_id: '38ed3d74-8a62-4e3a-a911-ead5a652de84',
          status_url: '/jobs/38ed3d74-8a62-4e3a-a911-ead5a652de84',
        },
      },
    },
  },
  jobNotFound: {
    summary: 'Unknown or expired id',
    value: { error: { code: 'not_found', message: 'no such job (unknown id, or its result has expired)' } },
  },
  badFrom: {
    summary: 'from=yesterday',
    value: {
      error: {
        code: 'validation_error',
        message: 'invalid query',
        details: [
          {
            path: ['from'],
            code: 'invalid_format',
            message: 'expected an ISO 8601 date-time, e.g. 2024-05-01T00:00:00Z',
          },
        ],
      },
    },
  },
  badLimit: {
    summary: 'limit=0',
    value: {
      error: {
        code: 'validation_error',
        message: 'invalid query',
        details: [{ path: ['limit'], code: 'too_small', message: 'Too small: expected number to be >=1' }],
      },
    },
  },
  databaseUnavailable: {
    summary: 'Postgres unreachable',
    value: { error: { code: 'database_unavailable', message: 'the database is unavailable, retry later' } },
  },
  unauthorized: {
    summary: 'No API key',
    value: { error: { code: 'unauthorized', message: 'a valid API key is required: Authorization: Bearer <key>' } },
  },
  unknownModel: {
    summary: 'No such model, alias or served version (from the code)',
    value: {
      error: {
        code: 'unknown_model',
        message: 'no model, alias or served version "sentiment-v3"',
        details: { models: ['sentiment-multi-v2', 'sentiment-sst2-v1'], aliases: ['stable', 'previous'] },
      },
    },
  },
  modelUnavailable: {
    summary: 'A known model no worker serves right now (from the code)',
    value: { error: { code: 'model_unavailable', message: 'model "sentiment-sst2-v1" cannot answer now: no worker serves it', details: { model: 'sentiment-sst2-v1' } } },
  },
  badRouting: {
    summary: 'A split naming no model or alias (from the code)',
    value: {
      error: {
        code: 'validation_error',
        message: 'invalid routing',
        details: [{ path: [], code: 'custom', message: 'split.candidate: neither a model nor an alias' }],
      },
    },
  },
  adminRequired: {
    summary: 'Routing changes need admin credentials (from the code)',
    value: { error: { code: 'admin_required', message: 'set ADMIN_USER and ADMIN_PASSWORD to change the routing (it is read-only without admin credentials)' } },
  },
  adminUnauthorized: {
    summary: 'No admin credentials (from the code)',
    value: { error: { code: 'unauthorized', message: 'admin credentials required' } },
  },
  rateLimited: {
    summary: 'With RATE_LIMIT_PER_MINUTE=1',
    value: { error: { code: 'rate_limited', message: 'too many requests: at most 1 per minute per client' } },
  },
} satisfies Record<string, Example<ErrorBody>>;

export const analytics = {
  summary: {
    all: {
      summary: 'All stored predictions',
      value: {
        total_predictions: 8,
        avg_confidence: 0.9459168890483584,
        avg_latency_ms: 3.526375,
        cache_hit_rate: 0.125,
        date_range: { earliest: '2026-12-06T20:37:22.810Z', latest: '2026-12-06T20:37:22.978Z' },
      },
    },
  } satisfies Examples<AnalyticsSummary>,
  distribution: {
    all: {
      summary: 'All stored predictions',
      value: { negative: 3, neutral: 0, positive: 5 },
    },
  } satisfies Examples<SentimentDistribution>,
  recent: {
    page: {
      summary: 'limit=2 (a Link header points at the next page)',
      value: [
        {
          id: 'bc92820d-518c-523d-b693-d97dbfc4b9ab',
          timestamp: '2026-12-06T20:37:22.978Z',
          sentiment: 'positive',
          confidence: 0.77982616627064,
          latency_ms: 5.755,
          model_version: 'sentiment-multi-v2+5365d819',
        },
        {
          id: '9147070d-5d3e-59f3-85c6-e488f3df285e',
          timestamp: '2026-12-06T20:37:22.978Z',
          sentiment: 'negative',
          confidence: 0.9640002111022367,
          latency_ms: 5.755,
          model_version: 'sentiment-multi-v2+5365d819',
        },
      ],
    },
  } satisfies Examples<RecentPage>,
  timeseries: {
    minutes: {
      summary: 'Per minute',
      value: {
        bucket: 'minute',
        from: '2026-12-06T20:35:00.000Z',
        to: '2026-12-06T20:37:30.384Z',
        points: [
          {
            start: '2026-12-06T20:35:00.000Z',
            total: 0,
            counts: { negative: 0, neutral: 0, positive: 0 },
            avg_confidence: null,
            avg_latency_ms: null,
          },
          {
            start: '2026-12-06T20:36:00.000Z',
            total: 0,
            counts: { negative: 0, neutral: 0, positive: 0 },
            avg_confidence: null,
            avg_latency_ms: null,
          },
          {
            start: '2026-12-06T20:37:00.000Z',
            total: 8,
            counts: { negative: 3, neutral: 0, positive: 5 },
            avg_confidence: 0.9459168890483584,
            avg_latency_ms: 3.526375,
          },
        ],
      },
    },
  } satisfies Examples<Timeseries>,
  latency: {
    all: {
      summary: 'All stored predictions',
      value: {
        count: 8,
        p50_ms: 2.9536522918790036,
        p95_ms: 5.755,
        p99_ms: 5.755,
        max_ms: 5.755,
        resolution: 'p50/p95/p99 come from a histogram with 8 log-spaced bins per doubling (each 9.1% wide): each is within ±4.4% of the latency at that rank (the nearest-rank percentile), or within 0.0078125 ms of it below 0.015625 ms; count and max_ms are exact',
      },
    },
  } satisfies Examples<LatencyStats>,
  models: {
    one: {
      summary: 'One model so far',
      value: [
        {
          model_version: 'sentiment-multi-v2+5365d819',
          total: 8,
          counts: { negative: 3, neutral: 0, positive: 5 },
          avg_confidence: 0.9459168890483584,
          avg_latency_ms: 3.526375,
          cache_hit_rate: 0.125,
          first_seen: '2026-12-06T20:37:22.810Z',
          last_seen: '2026-12-06T20:37:22.978Z',
        },
      ],
    },
  } satisfies Examples<ModelsList>,
};

export const models = {
  catalog: {
    twoModels: {
      summary: 'Both shipped models, v2 stable (from a running deployment)',
      value: {
        models: [
          {
            name: 'sentiment-multi-v2',
            aliases: ['stable'],
            description: 'Three classes; tweets, reviews, comments, SMS, movie phrases (packages/model/models/sentiment-multi-v2/README.md)',
            source: 'shipped',
            versions: [{ version: 'sentiment-multi-v2+5365d819', workers: 2 }],
            traffic_share: 0.9,
            shadow_rate: 0,
            retired: false,
          },
          {
            name: 'sentiment-sst2-v1',
            aliases: ['previous'],
            description: 'Binary, movie reviews only; neutral below 0.6 confidence (the first model, kept for comparison)',
            source: 'shipped',
            versions: [{ version: 'sentiment-sst2-v1+30b0c38c', workers: 1 }],
            traffic_share: 0.1,
            shadow_rate: 0.05,
            retired: false,
          },
        ],
        routing: {
          aliases: { stable: 'sentiment-multi-v2', previous: 'sentiment-sst2-v1' },
          split: { stable: 90, previous: 10 },
          sticky: 'client',
          shadow: { model: 'previous', rate: 0.05 },
        },
        routing_updated_at: '2026-12-06T20:38:06.127Z',
      },
    },
  } satisfies Examples<ModelCatalog>,
};
