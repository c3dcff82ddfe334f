import { Router } from 'express';
import { BatchBody } from '@sentiment/contract';
import { submitAndWait } from '../sync-reply.js';
import { parseInput } from '../validation.js';
import type { InteractiveDeps } from './predict.js';

/** POST /batch: up to 100 texts in one job, predictions in input order. */
export function batchRouter({ syncTimeoutMs, ...intake }: InteractiveDeps): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const { texts, model } = parseInput(BatchBody, req.body, 'request body');
    const result = await submitAndWait(intake, req, res, texts, 'batch', { timeoutMs: syncTimeoutMs, model });
    if (result) res.json({ predictions: result.predictions, total: result.total });
  });
  return router;
}
