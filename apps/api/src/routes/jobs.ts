import { Router } from 'express';
import { JobsBody } from '@sentiment/contract';
import { NotFoundError } from '../errors.js';
import { jobViewBody } from '../job-status.js';
import { replyAccepted, submitJob, type Intake } from '../sync-reply.js';
import { parseInput } from '../validation.js';

/** POST /jobs queues bulk work (always async); GET /jobs/:id reports any job's status and result. */
export function jobsRouter(intake: Intake): Router {
  const { jobs } = intake;
  const router = Router();

  router.post('/', async (req, res) => {
    const { texts, model } = parseInput(JobsBody, req.body, 'request body');
    const { job, replayed } = await submitJob(intake, req, res, texts, 'jobs', { model });
    replyAccepted(res, job.id!, replayed ? await jobs.status(job) : 'queued', { total: texts.length });
  });

  router.get('/:id', async (req, res) => {
    const view = await jobs.view(req.params.id);
    if (!view) throw new NotFoundError('no such job (unknown id, or its result has expired)');
    res.type('application/json').send(jobViewBody(view));
  });

  return router;
}
