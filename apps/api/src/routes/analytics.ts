import { Router } from 'express';
import {
  AnalyticsFilters,
  CompareParams,
  LatencyParams,
  MAX_TIMESERIES_POINTS,
  ModelsParams,
  RecentParams,
  TimeseriesParams,
  timeseriesWindow,
} from '@sentiment/contract';
import { decodeRecentCursor, encodeRecentCursor, type AnalyticsRepository, type RecentCursor } from '@sentiment/db';
import { parseInput, ValidationError } from '../validation.js';

/** Carried over, as sent, into the next page's URL. */
const FILTER_PARAMS = ['from', 'to', 'model_version'] as const;

const toFilters = (q: AnalyticsFilters) => ({ from: q.from, to: q.to, modelVersion: q.model_version });

/** A 400 shaped like parseInput's, for rules that need more than the query's own schema. */
const invalidQuery = (path: string[], message: string) => new ValidationError('invalid query', [{ path, code: 'custom', message }]);

/** The keyset position inside an opaque `before` token (the contract leaves it a string). */
function decodeBefore(token: string | undefined): RecentCursor | undefined {
  if (token === undefined) return undefined;
  const cursor = decodeRecentCursor(token);
  if (!cursor) throw invalidQuery(['before'], 'malformed cursor: pass back the `before` value of a Link header unchanged');
  return cursor;
}

/** GET /analytics/*: read-only aggregates over stored predictions; the SQL lives in @sentiment/db. */
export function analyticsRouter({ analytics }: { analytics: AnalyticsRepository }): Router {
  const router = Router();

  router.get('/summary', async (req, res) => {
    res.json(await analytics.summary(toFilters(parseInput(AnalyticsFilters, req.query, 'query'))));
  });

  router.get('/sentiment-distribution', async (req, res) => {
    res.json(await analytics.distribution(toFilters(parseInput(AnalyticsFilters, req.query, 'query'))));
  });

  // The body stays a bare array; the next page is announced in a Link header (RFC 8288), keyset-based,
  // so rows arriving meanwhile never shift later pages.
  router.get('/recent', async (req, res) => {
    const query = parseInput(RecentParams, req.query, 'query');
    const page = await analytics.recentPage({ ...toFilters(query), limit: query.limit, before: decodeBefore(query.before) });
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

  router.get('/timeseries', async (req, res) => {
    const query = parseInput(TimeseriesParams, req.query, 'query');
    const { from, to, points } = timeseriesWindow(query, new Date());
    // Only reachable with a `from` and no `to`: the default `to` (now) is not after it.
    if (!(from < to)) throw invalidQuery(['from'], 'from must be before to (to defaults to now)');
    if (points > MAX_TIMESERIES_POINTS) {
      throw invalidQuery(
        ['bucket'],
        `at most ${MAX_TIMESERIES_POINTS} buckets per answer, and this range holds ${points} ${query.bucket}s: narrow from/to or use a larger bucket`,
      );
    }
    res.json(await analytics.timeseries({ bucket: query.bucket, from, to, modelVersion: query.model_version }));
  });

  router.get('/latency', async (req, res) => {
    res.json(await analytics.latency(toFilters(parseInput(LatencyParams, req.query, 'query'))));
  });

  router.get('/models', async (req, res) => {
    res.json(await analytics.models(toFilters(parseInput(ModelsParams, req.query, 'query'))));
  });

  // Shadow runs: a against b over the stored pairs, whichever of the two served.
  router.get('/compare', async (req, res) => {
    const { a, b, from, to } = parseInput(CompareParams, req.query, 'query');
    res.json(await analytics.compare({ a, b, from, to }));
  });

  return router;
}
