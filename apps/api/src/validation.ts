import type { z } from 'zod';
import { HttpError } from './errors.js';

/** Big batches can fail on every item; the first issues are enough to fix a request. */
const MAX_ISSUES = 100;

export class ValidationError extends HttpError {
  constructor(message: string, details: unknown) {
    super(400, 'validation_error', message, details);
  }
}

/** Parses request input at the edge; a bad request becomes a 400 listing what was wrong, by path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const details = issues.slice(0, MAX_ISSUES).map((i) => ({
    path: i.path.filter((p) => typeof p !== 'symbol'),
    code: i.code,
    message: i.message,
  }));
  const more = issues.length > MAX_ISSUES ? ` (first ${MAX_ISSUES} of ${issues.length} shown)` : '';
  return throwValidation(`invalid ${what}${more}`, details);
}

function throwValidation(message: string, details: unknown): never {
  throw new ValidationError(message, details);
}
