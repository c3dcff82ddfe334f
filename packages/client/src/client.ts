import {
  BatchResponse,
  Health,
  JobAccepted,
  JobsAccepted,
  JobStatus,
  ModelCatalog,
  Prediction,
  Readiness,
} from '@sentiment/contract';
import { createAnalytics } from './analytics.js';
import { createTransport, type TransportOptions } from './http.js';
import { pollUntilDone, type CompletedJob, type WaitOptions } from './wait.js';

export type ClientOptions = TransportOptions;

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PostOptions extends CallOptions {
  /** Makes the call safe to retry: the same key (per endpoint and API key, for 24 h) never creates a second job. */
  idempotencyKey?: string;
  /** Which model answers: a name, an alias (`stable`) or a full `model_version`. Default: the deployment's routing. */
  model?: string;
  /** If the API answers 202 (busy workers), how to poll the job for the answer. */
  wait?: Omit<WaitOptions, 'signal'>;
}

export interface SubmitOptions extends CallOptions {
  /**
   * Makes the call safe to repeat: the same key (per API key, for 24 h) answers with the job the first
   * call created. Only with a key does the client retry a 429/503 after its Retry-After.
   */
  idempotencyKey?: string;
  /** Which model answers every text of the job (a name, an alias or a full `model_version`). */
  model?: string;
}

/** POST /jobs's answer, and whether it is the job an earlier request with the same key created. */
export type Submitted = JobsAccepted & { replayed: boolean };

export type Client = ReturnType<typeof createClient>;

/**
 * A typed client of the sentiment API. Every answer is checked against the contract's schemas;
 * failures are ApiError (the API said no), NetworkError (no answer) or InvalidResponseError.
 */
export function createClient(options: ClientOptions) {
  const { request } = createTransport(options);
  const idempotencyHeader = (key?: string): Record<string, string> => (key === undefined ? {} : { 'idempotency-key': key });

  async function status(jobId: string, { signal }: CallOptions = {}): Promise<JobStatus> {
    const reply = await request({
      method: 'GET',
      path: `/jobs/${encodeURIComponent(jobId)}`,
      responses: { 200: JobStatus },
      idempotent: true,
      signal,
    });
    return reply.body;
  }

  function waitFor(jobId: string, waitOptions: WaitOptions = {}): Promise<CompletedJob> {
    return pollUntilDone(jobId, (signal) => status(jobId, { signal }), waitOptions);
  }

  /** POST /predict and /batch answer 200 with the result, or 202 when the workers are slower than the API waits. */
  async function interactive(path: '/predict' | '/batch', body: object, { idempotencyKey, signal, wait, model }: PostOptions) {
    const reply = await request({
      method: 'POST',
      path,
      body: model === undefined ? body : { ...body, model },
      headers: idempotencyHeader(idempotencyKey),
      responses: { 200: path === '/predict' ? Prediction : BatchResponse, 202: JobAccepted },
      idempotent: idempotencyKey !== undefined,
      signal,
    });
    if (reply.status === 200) return reply.body as Prediction | BatchResponse;
    const done = await waitFor(reply.body.job_id, { ...wait, signal });
    return path === '/predict' ? done.result.predictions[0]! : done.result;
  }

  return {
    /** One text. Waits for the answer even when the API answers 202 (polling the job). */
    async predict(text: string, options: PostOptions = {}): Promise<Prediction> {
      return (await interactive('/predict', { text }, options)) as Prediction;
    },

    /** Up to MAX_BATCH_TEXTS texts; predictions in input order. */
    async batch(texts: string[], options: PostOptions = {}): Promise<BatchResponse> {
      return (await interactive('/batch', { texts }, options)) as BatchResponse;
    },

    /** Queues up to MAX_JOB_TEXTS texts as one job; poll it with `status` or `waitFor`. */
    async submit(texts: string[], { idempotencyKey, signal, model }: SubmitOptions = {}): Promise<Submitted> {
      const reply = await request({
        method: 'POST',
        path: '/jobs',
        body: model === undefined ? { texts } : { texts, model },
        headers: idempotencyHeader(idempotencyKey),
        responses: { 202: JobsAccepted },
        idempotent: idempotencyKey !== undefined,
        signal,
      });
      return { ...reply.body, replayed: reply.headers.get('idempotent-replayed') === 'true' };
    },

    status,
    waitFor,

    /** GET /models: the models the deployment serves, their aliases and live versions, and the routing in effect. */
    async models({ signal }: CallOptions = {}): Promise<ModelCatalog> {
      return (await request({ method: 'GET', path: '/models', responses: { 200: ModelCatalog }, idempotent: true, signal })).body;
    },

    analytics: createAnalytics(request),

    async health({ signal }: CallOptions = {}) {
      return (await request({ method: 'GET', path: '/health', responses: { 200: Health }, idempotent: true, signal })).body;
    },

    /** Readiness as the API reports it; a 503 (something down) is an answer here, not an error. */
    async ready({ signal }: CallOptions = {}): Promise<Readiness & { ready: boolean }> {
      const reply = await request({ method: 'GET', path: '/ready', responses: { 200: Readiness, 503: Readiness }, idempotent: true, signal });
      return { ...reply.body, ready: reply.status === 200 };
    },
  };
}
