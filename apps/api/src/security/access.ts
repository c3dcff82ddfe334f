import type { Redis } from 'ioredis';
import type { Credentials } from './admin-auth.js';

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
 * How Bull Board is exposed: behind Basic auth when credentials are set; otherwise read-only
 * outside production, and not at all in production (a writable or open board there is a risk
 * nobody should take by forgetting a variable).
 */
export type BoardMode = 'protected' | 'read-only' | 'absent';

export function boardMode({ admin, production }: Pick<AccessOptions, 'admin' | 'production'>): BoardMode {
  if (admin) return 'protected';
  return production ? 'absent' : 'read-only';
}
