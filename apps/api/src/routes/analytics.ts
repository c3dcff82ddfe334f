import { Router } from 'express';
import { encodeRecentCursor, type AnalyticsRepository } from '@sentiment/db';
import { AnalyticsQuery, RecentQuery } from '../schemas.js';
import { parseInput } from '../validation.js';

/** Carried over, as sent, into the next page's URL. */
const FILTER_PARAMS = ['from', 'to', 'model_version'] as const;

/** GET /analytics/*: read-only aggregates over stored predictions; the SQL lives in @sentiment/db. */
export function analyticsRouter({ analytics }: { analytics: AnalyticsRepository }): Router {
  const router = Router();

  router.get('/summary', async (req, res) => {
    res.json(await analytics.summary(parseInput(AnalyticsQuery, req.query, 'query')));
  });

  router.get('/sentiment-distribution', async (req, res) => {
    res.json(await analytics.distribution(parseInput(AnalyticsQuery, req.query, 'query')));
  });

  // The body stays a bare array; the next page is announced in a Link header (RFC 8288), keyset-based,
  // so rows arriving meanwhile never shift later pages.
  router.get('/recent', async (req, res) => {
    const query = parseInput(RecentQuery, req.query, 'query');
    const page = await analytics.recentPage(query);
    if (page.next) {
      const next = new URLSearchParams({ limit: String(query.limit), before: encodeRecentCursor(page.next) });
      for (const name of FILTER_PARAMS) {
        const value = req.query[name];
        if (typeof value === 'string') next.set(name, value);
      }
      res.links({ next: `${req.baseUrl}${req.path}?${next}` });
    }
    res.json(page.rows);
  });

  return router;
}
