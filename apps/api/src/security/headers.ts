import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Helmet's defaults everywhere but under `relaxedPath` (Bull Board), whose UI needs inline scripts
 * and styles and Google Fonts: there the other headers stay and only the CSP is dropped.
 */
export function securityHeaders(relaxedPath: string): RequestHandler {
  const strict = helmet();
  const relaxed = helmet({ contentSecurityPolicy: false });
  return (req, res, next) => (isUnder(req.path, relaxedPath) ? relaxed : strict)(req, res, next);
}

/**
 * The analytics page's CSP, replacing helmet's default there: the same policy (scripts and data from
 * this origin only, nothing inline) minus `upgrade-insecure-requests`, which turns the page's own
 * script and fetch URLs into https:// ones and so breaks it whenever the API is reached over plain
 * HTTP by a host name (only loopback is spared); and styles from its own stylesheet only.
 */
export function dashboardContentSecurityPolicy(): RequestHandler {
  return helmet.contentSecurityPolicy({ directives: { upgradeInsecureRequests: null, styleSrc: ["'self'"] } });
}

/** CORS for exactly these origins (preflights answered here); nothing at all when the list is empty. */
export function corsFor(origins: readonly string[]): RequestHandler | undefined {
  if (origins.length === 0) return undefined;
  return cors({
    origin: [...origins],
    allowedHeaders: ['Authorization', 'Content-Type', 'Prefer', 'X-Request-Id', 'Idempotency-Key'],
    exposedHeaders: [
      'Location',
      'Retry-After',
      'X-Request-Id',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Link',
      'Idempotent-Replayed',
      'Preference-Applied',
    ],
    maxAge: 600,
  });
}

export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
