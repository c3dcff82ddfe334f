import { Router } from 'express';
import { PredictBody } from '@sentiment/contract';
import type { PredictionJobs } from '../jobs/prediction-jobs.js';
import { submitAndWait } from '../sync-reply.js';
import { parseInput } from '../validation.js';

export interface InteractiveDeps {
  jobs: PredictionJobs;
  syncTimeoutMs: number;
}

/** POST /predict: one text, answered inline when the worker is quick enough. */
export function predictRouter({ jobs, syncTimeoutMs }: InteractiveDeps): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const { text } = parseInput(PredictBody, req.body, 'request body');
    const result = await submitAndWait(jobs, req, res, [text], 'predict', syncTimeoutMs);
    if (result) res.json(result.predictions[0]);
  });
  return router;
}
