import { Router } from 'express';
import type { AnalyticsRepository } from '@sentiment/db';
import { AnalyticsQuery, RecentQuery } from '../schemas.js';
import { parseInput } from '../validation.js';

/** GET /analytics/*: read-only aggregates over stored predictions; the SQL lives in @sentiment/db. */
export function analyticsRouter({ analytics }: { analytics: AnalyticsRepository }): Router {
  const router = Router();

  router.get('/summary', async (req, res) => {
    res.json(await analytics.summary(parseInput(AnalyticsQuery, req.query, 'query')));
  });

  router.get('/sentiment-distribution', async (req, res) => {
    res.json(await analytics.distribution(parseInput(AnalyticsQuery, req.query, 'query')));
  });

  router.get('/recent', async (req, res) => {
    res.json(await analytics.recent(parseInput(RecentQuery, req.query, 'query')));
  });

  return router;
}
