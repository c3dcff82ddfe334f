import type { RequestHandler } from 'express';
import { bearerToken, matchingKey } from './credentials.js';
import { UnauthorizedError } from './errors.js';

/**
 * Requires `Authorization: Bearer <key>` with one of `keys`. Only `/health` is exempt: liveness
 * probes carry no credentials, and it reveals nothing. `/ready` reports dependency state and so
 * needs a key like every other endpoint. `exempt` paths have their own guard (admin Basic auth).
 */
export function apiKeyGate(keys: readonly string[], exempt: (path: string) => boolean = () => false): RequestHandler {
  return (req, _res, next) => {
    if (req.path === '/health' || exempt(req.path)) return next();
    if (matchingKey(bearerToken(req.get('authorization')), keys)) return next();
    next(new UnauthorizedError('Bearer', 'a valid API key is required: Authorization: Bearer <key>'));
  };
}
