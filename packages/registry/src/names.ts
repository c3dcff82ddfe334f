import { z } from 'zod';

/**
 * A model's name in the registry: what requests pin (`"model": "sentiment-sst2-v1"`), what its queue is
 * named after, and what `SERVE_MODELS` lists. Lower case, at most 41 characters (the name part of a
 * `model_version`), no `+` (which separates a version's hash).
 */
export const ModelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,40}$/, { message: 'expected 1 to 41 of a-z 0-9 . _ - (starting with a letter or digit)' });
export type ModelName = z.infer<typeof ModelName>;

/** A name for a model that can move (`stable`, `candidate`, …): the same rules as a model name, and never one. */
export const AliasName = ModelName;

/** A full `model_version`: `<name>+<8 hex>` (packages/model/src/runtime/model-version.ts). */
export const FULL_VERSION = /^[^+\s]{1,41}\+[0-9a-f]{8}$/;
