import { Router } from 'express';
import { PredictBody } from '@sentiment/contract';
import { submitAndWait, type Intake } from '../sync-reply.js';
import { parseInput } from '../validation.js';

export interface InteractiveDeps extends Intake {
  syncTimeoutMs: number;
}

/** POST /predict: one text, answered inline when the worker is quick enough. */
export function predictRouter({ syncTimeoutMs, ...intake }: InteractiveDeps): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const { text, model } = parseInput(PredictBody, req.body, 'request body');
    const result = await submitAndWait(intake, req, res, [text], 'predict', { timeoutMs: syncTimeoutMs, model });
    if (result) res.json(result.predictions[0]);
  });
  return router;
}
