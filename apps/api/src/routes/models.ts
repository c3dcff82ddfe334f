import { Router } from 'express';
import type { ModelRouter } from '../models/model-router.js';

/** GET /models: what the deployment serves, its aliases and how requests without a `model` are routed. */
export function modelsRouter({ models }: { models: ModelRouter }): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(models.list());
  });
  return router;
}
