import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { MAX_BATCH_TEXTS, MAX_JOB_TEXTS } from '@sentiment/queue';
import type { ErrorBody } from '../errors.js';
import { JobAccepted, JobsAccepted, JobStatus } from '../jobs.js';
import { BatchResponse, PredictResponse } from '../predictions.js';
import { AsyncQuery, BatchBody, IdempotencyKey, JobIdParams, JobsBody, PredictBody, PreferHeader } from '../requests.js';
import { errors, jobs, predictions, requests } from './examples.js';
import { Headers, error, json, jsonBody, type Examples } from './http.js';

const postHeaders = z.object({ 'Idempotency-Key': IdempotencyKey.optional() });
const interactiveHeaders = postHeaders.extend({ Prefer: PreferHeader.optional() });

const acceptedHeaders = {
  Location: Headers.location,
  'Idempotent-Replayed': Headers.idempotentReplayed,
};

/** Errors every POST that queues work can answer; `invalid` are the endpoint's own validation examples. */
const submitErrors = (invalid: Examples<ErrorBody>) => ({
  400: error(400, 'Invalid body, malformed JSON or a bad Idempotency-Key', {
    ...invalid,
    invalid_json: errors.invalidJson,
    repeated_key: errors.repeatedKey,
    idempotency_key: errors.badIdempotencyKey,
    unknown_model: errors.unknownModel,
  }),
  410: error(410, 'The job this Idempotency-Key created has expired (after RESULT_TTL_S)', { expired: errors.jobExpired }),
  413: error(413, 'Body larger than BODY_LIMIT', { too_large: errors.payloadTooLarge }),
  415: error(415, 'Body not sent as application/json', { not_json: errors.unsupportedMediaType }),
  422: error(422, 'Idempotency-Key reused with a different body', { reused: errors.keyReused }),
  503: error(503, 'Redis unreachable, MAX_QUEUE_DEPTH texts already waiting, or no worker serves the named model', {
    queue_full: errors.queueFull,
    queue_unavailable: errors.queueUnavailable,
    model_unavailable: errors.modelUnavailable,
  }),
});

/** A job that failed for good while the request waited: the body names it, so it can be inspected. */
const jobFailed = error(502, 'The job failed for good (after its retries) while the request waited', { job_failed: errors.jobFailed });

const SYNC = 'Waits up to SYNC_TIMEOUT_MS (default 2 s) for the result; if the job is not done by then, answers 202 and the result is read from `status_url`.';
const ASYNC = '`?async=true` or `Prefer: respond-async` answer 202 at once.';

export function registerPredictionPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/predict',
    tags: ['predictions'],
    summary: 'Classify one text',
    description: `${SYNC} ${ASYNC}`,
    request: { query: AsyncQuery, headers: interactiveHeaders, body: jsonBody(PredictBody, requests.predict) },
    responses: {
      200: json('The prediction', PredictResponse, predictions.predict),
      202: json('Queued; poll `status_url`', JobAccepted, jobs.acceptedInteractive, {
        ...acceptedHeaders,
        'Preference-Applied': Headers.preferenceApplied,
      }),
      ...submitErrors({ blank: errors.blankText, wrong_type: errors.wrongType }),
      502: jobFailed,
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/batch',
    tags: ['predictions'],
    summary: `Classify 1 to ${MAX_BATCH_TEXTS} texts`,
    description: `Predictions come back in input order. ${SYNC} ${ASYNC}`,
    request: { query: AsyncQuery, headers: interactiveHeaders, body: jsonBody(BatchBody, requests.batch) },
    responses: {
      200: json('The predictions, in input order', BatchResponse, predictions.batch),
      202: json('Queued; poll `status_url`', JobAccepted, jobs.acceptedInteractive, {
        ...acceptedHeaders,
        'Preference-Applied': Headers.preferenceApplied,
      }),
      ...submitErrors({ too_many: errors.tooManyTexts }),
      502: jobFailed,
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/jobs',
    tags: ['jobs'],
    summary: `Queue 1 to ${MAX_JOB_TEXTS.toLocaleString('en-US')} texts`,
    description: 'Bulk work, always asynchronous and queued behind interactive requests. Poll `status_url` for progress and the result.',
    request: { headers: postHeaders, body: jsonBody(JobsBody, requests.jobs) },
    responses: {
      202: json('Queued', JobsAccepted, jobs.acceptedBulk, acceptedHeaders),
      ...submitErrors({ no_texts: errors.noTexts }),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/jobs/{id}',
    tags: ['jobs'],
    summary: "A job's status, progress and result",
    description: 'Any job (from /predict, /batch or /jobs). Completed jobs and their results stay readable for RESULT_TTL_S (default 1 h).',
    request: { params: JobIdParams },
    responses: {
      200: json('The job', JobStatus, jobs.status),
      404: error(404, 'Unknown id, or the job has expired', { not_found: errors.jobNotFound }),
      503: error(503, 'Redis unreachable', { queue_unavailable: errors.queueUnavailable }),
    },
  });
}
