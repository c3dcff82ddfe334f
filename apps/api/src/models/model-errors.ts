import { HttpError } from '../errors.js';

/** A `model` that is neither a served model's name, an alias, nor a served version: retrying cannot help. */
export class UnknownModelError extends HttpError {
  constructor(requested: string, known: { models: string[]; aliases: string[] }) {
    super(400, 'unknown_model', `no model, alias or served version "${requested}"`, known);
  }
}

/** A known model (or version) that no worker serves right now: retry later, or pin another. */
export class ModelUnavailableError extends HttpError {
  constructor(model: string, reason: string) {
    super(503, 'model_unavailable', `model "${model}" cannot answer now: ${reason}`, { model }, { 'Retry-After': '5' });
  }
}
