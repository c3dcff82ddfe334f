import { Router } from 'express';
import { NotFoundError } from '../errors.js';
import type { PredictionJobs } from '../prediction-jobs.js';
import { requestIdOf } from '../request-logging.js';
import { JobsBody } from '../schemas.js';
import { replyAccepted } from '../sync-reply.js';
import { parseInput } from '../validation.js';

/** POST /jobs queues bulk work (always async); GET /jobs/:id reports any job's status and result. */
export function jobsRouter({ jobs }: { jobs: PredictionJobs }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const { texts } = parseInput(JobsBody, req.body, 'request body');
    const job = await jobs.submit(texts, 'jobs', requestIdOf(req));
    replyAccepted(res, job, 'queued', { total: texts.length });
  });

  router.get('/:id', async (req, res) => {
    const view = await jobs.view(req.params.id);
    if (!view) throw new NotFoundError('no such job (unknown id, or its result has expired)');
    res.json(view);
  });

  return router;
}
