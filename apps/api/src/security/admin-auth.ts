import type { RequestHandler } from 'express';
import { basicCredentials, safeEqual } from './credentials.js';
import { UnauthorizedError } from './errors.js';

export interface Credentials {
  user: string;
  password: string;
}

/** HTTP Basic for admin routes; user and password are both always compared, in constant time. */
export function adminAuth(expected: Credentials): RequestHandler {
  return (req, _res, next) => {
    const given = basicCredentials(req.get('authorization'));
    // `&`, not `&&`: a wrong user name must cost as much time as a wrong password.
    const ok = given !== undefined && Number(safeEqual(given.user, expected.user)) & Number(safeEqual(given.password, expected.password));
    if (ok) return next();
    next(new UnauthorizedError('Basic realm="admin"', 'admin credentials required'));
  };
}
