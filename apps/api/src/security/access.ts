import type { Redis } from 'ioredis';
import type { RequestHandler } from 'express';
import type { Credentials } from './admin-auth.js';
import { ForbiddenError } from './errors.js';

export interface AccessOptions {
  /** Production without admin credentials: the board is not mounted at all. */
  production?: boolean;
  /** Basic-auth credentials for everything under /admin. */
  admin?: Credentials;
  /** Bearer keys required on every endpoint but /health; none = open. */
  apiKeys?: string[];
  /** Origins allowed by CORS; none = no CORS headers. */
  corsOrigins?: string[];
  /** Express `trust proxy`: whose X-Forwarded-For gives the client IP (rate limiting). */
  trustProxy?: false | number | string[];
  /** Per-client limit shared through Redis; omitted or 0 per minute = no limit. */
  rateLimit?: { perMinute: number; redis: Redis; prefix: string };
}

/**
 * How Bull Board (and the analytics page) is exposed: behind Basic auth when credentials are set;
 * otherwise read-only and to this machine only (localOnly) outside production, and not at all in
 * production (a writable or open board there is a risk nobody should take by forgetting a variable).
 */
export type BoardMode = 'protected' | 'read-only' | 'absent';

export function boardMode({ admin, production }: Pick<AccessOptions, 'admin' | 'production'>): BoardMode {
  if (admin) return 'protected';
  return production ? 'absent' : 'read-only';
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Lets through only requests from this machine: the TCP peer is loopback and no proxy forwarded it
 * (a reverse proxy on the same host would otherwise make every outside visitor look local). The board
 * shows every input text; without admin credentials nobody else may read it.
 */
export function localOnly(what: string): RequestHandler {
  return (req, _res, next) => {
    const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
    if (LOOPBACK.has(req.socket.remoteAddress ?? '') && !forwarded) return next();
    next(new ForbiddenError(`${what} without ADMIN_USER/ADMIN_PASSWORD is served to this machine only; set both to reach it from elsewhere`));
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * State-changing admin requests only from the board's own pages: browsers cache Basic credentials and
 * send them with a third-party page's cross-site form or `text/plain` POST. Such a request carries an
 * `Origin` (or `Sec-Fetch-Site`) naming another site and is refused; tools like curl send neither and
 * pass on their credentials alone.
 */
export function sameOriginWrites(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    let crossSite = site !== undefined && site !== 'same-origin' && site !== 'none';
    if (origin !== undefined) {
      try {
        crossSite ||= new URL(origin).host !== req.headers.host;
      } catch {
        crossSite = true; // `Origin: null` (a sandboxed frame, a file) or garbage
      }
    }
    if (!crossSite) return next();
    next(new ForbiddenError('admin changes are accepted only from the admin pages themselves (same origin)'));
  };
}
