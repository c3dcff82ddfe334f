import { Router } from 'express';
import { HttpError } from '../errors.js';
import type { ModelRouter } from '../models/model-router.js';

export const ROUTING_PATH = '/admin/routing';

/**
 * GET/PUT/DELETE /admin/routing: the traffic split, aliases and shadow, changed at run time. Mounted behind
 * the admin credentials; without them (ADMIN_USER unset) it only reads: nobody anonymous moves traffic.
 */
export function adminRoutingRouter({ models, writable }: { models: ModelRouter; writable: boolean }): Router {
  const router = Router();
  const refuseWrites = () => {
    if (!writable) throw new HttpError(403, 'admin_required', 'set ADMIN_USER and ADMIN_PASSWORD to change the routing (it is read-only without admin credentials)');
  };
  router.get('/', (_req, res) => {
    res.json(models.list());
  });
  router.put('/', async (req, res) => {
    refuseWrites();
    res.json(await models.setRouting(req.body));
  });
  router.delete('/', async (_req, res) => {
    refuseWrites();
    res.json(await models.resetRouting());
  });
  return router;
}
