import { z } from 'zod';
import { JobProgress as QueueJobProgress } from '@sentiment/queue';
import { BatchResponse } from './predictions.js';

/** `queued` covers everything not picked up yet, including a failed attempt waiting for its retry. */
export const JobState = z.enum(['queued', 'active', 'completed', 'failed']).meta({ id: 'JobState' });
export type JobState = z.infer<typeof JobState>;

const JobId = z.uuid();
const StatusUrl = z.string().regex(/^\/jobs\/[0-9a-f-]{36}$/).meta({ description: 'Where to poll: GET it for progress and result.' });

/** 202 of POST /predict and /batch (async, or not finished within SYNC_TIMEOUT_MS); `Location` carries `status_url`. */
export const JobAccepted = z
  .object({ job_id: JobId, status: JobState, status_url: StatusUrl })
  .meta({ id: 'JobAccepted' });
export type JobAccepted = z.infer<typeof JobAccepted>;

/** 202 of POST /jobs: also says how many texts were queued. */
export const JobsAccepted = JobAccepted.extend({ total: z.number().int().min(1) }).meta({ id: 'JobsAccepted' });
export type JobsAccepted = z.infer<typeof JobsAccepted>;

export const JobProgress = QueueJobProgress.extend({
  done: z.number().int().min(0),
  total: z.number().int().min(0),
}).meta({ id: 'JobProgress' });
export type JobProgress = z.infer<typeof JobProgress>;

/** GET /jobs/:id */
export const JobStatus = z
  .object({
    job_id: JobId,
    status: JobState,
    progress: JobProgress,
    created_at: z.iso.datetime(),
    finished_at: z.iso.datetime().nullable().meta({ description: 'Set once the job is `completed` or `failed`.' }),
    result: BatchResponse.optional().meta({ description: 'Only when `completed`: the predictions in input order.' }),
    error: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .meta({ description: 'Only when `failed` (after all retries).' }),
  })
  .meta({ id: 'JobStatus' });
export type JobStatus = z.infer<typeof JobStatus>;
