import express, { type RequestHandler } from 'express';
import { HttpError } from './errors.js';

/**
 * JSON body parsing for the API's own routes. A body with any other content type
 * is refused with 415 (rather than read as a missing body and reported as a 400),
 * so a client that forgot the header learns exactly that.
 */
export function jsonBody(limit: string): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      return next(new HttpError(415, 'unsupported_media_type', 'send the body as application/json'));
    }
    next();
  };
  // strict: false lets a bare `"text"` through to validation, which explains what shape is expected.
  return [requireJson, express.json({ limit, strict: false })];
}
