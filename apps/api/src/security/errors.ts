import { HttpError } from '../errors.js';

/** 401 with the challenge that tells the client which scheme to use. */
export class UnauthorizedError extends HttpError {
  constructor(challenge: string, message: string) {
    super(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': challenge });
  }
}

/** 429; the limiter has already set Retry-After and RateLimit-* on the response. */
export class RateLimitedError extends HttpError {
  constructor(limitPerMinute: number) {
    super(429, 'rate_limited', `too many requests: at most ${limitPerMinute} per minute per client`);
  }
}

/** 403: the request is understood and refused whoever sends it from where it came. */
export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}
