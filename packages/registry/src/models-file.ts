import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ModelName } from './names.js';
import { Routing, routingProblems } from './routing.js';

/** The repository's `models.json`: this file is packages/registry/src/…, or …/dist/src/… once built. */
export const DEFAULT_MODELS_FILE = fileURLToPath(new URL(import.meta.url.includes('/dist/src/') ? '../../../../models.json' : '../../../models.json', import.meta.url));

/** Where a model's files come from. */
export const ModelSource = z.union([
  /** A folder shipped in packages/model/models. */
  z.object({ shipped: z.string().regex(/^[A-Za-z0-9._-]+$/, { message: 'a folder name in packages/model/models' }) }).strict(),
  /** A local folder in Hugging Face layout; relative paths are relative to the registry file. */
  z.object({ dir: z.string().min(1) }).strict(),
  /** A Hugging Face Hub id, read from the local cache (downloaded only with ALLOW_REMOTE_MODELS=true). */
  z.object({ hub: z.string().min(1), cacheDir: z.string().min(1).optional() }).strict(),
]);
export type ModelSource = z.infer<typeof ModelSource>;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** One served model: its source and, optionally, its own batching and thread settings (else the worker's). */
export const ModelEntry = z
  .object({
    source: ModelSource,
    /** Inference threads for bulk texts (INFERENCE_THREADS). */
    threads: int(1, 64).optional(),
    /** Threads of its own for interactive texts (INTERACTIVE_THREADS); 0: share `threads`. */
    interactiveThreads: int(0, 16).optional(),
    intraOpThreads: int(1, 64).optional(),
    maxBatchSize: int(1, 1024).optional(),
    maxBatchWaitMs: int(0, 10_000).optional(),
    /** Binary models answer `neutral` below this top probability. */
    neutralThreshold: z.number().min(0).max(1).optional(),
    /** One line for GET /models. */
    description: z.string().max(200).optional(),
  })
  .strict();
export type ModelEntry = z.infer<typeof ModelEntry>;

export const ModelsFile = z
  .object({
    $schema: z.string().optional(),
    models: z.record(ModelName, ModelEntry).refine((m) => Object.keys(m).length > 0, { message: 'list at least one model' }),
    /** The routing a deployment starts with (until PUT /admin/routing changes it). */
    routing: Routing,
  })
  .strict()
  .superRefine((file, ctx) => {
    for (const message of routingProblems(file.routing, new Set(Object.keys(file.models)))) ctx.addIssue({ code: 'custom', path: ['routing'], message });
  });
export type ModelsFile = z.infer<typeof ModelsFile>;

/** The registry a program works with: the file's models (sources resolved) and its initial routing. */
export interface Registry {
  /** Where it was read from (or `MODEL_DIR`/`MODEL_ID` when one model was set by the environment). */
  origin: string;
  models: ReadonlyMap<string, ModelEntry>;
  routing: Routing;
}

/** A registry file that cannot be used: the path, and every problem in it. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

/** Reads and validates a registry file; `dir` sources become absolute (relative to the file). */
export function readModelsFile(path: string): Registry {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new RegistryError(`model registry ${path}: cannot read it (${reason})`);
  }
  const parsed = ModelsFile.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new RegistryError(`model registry ${path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const base = dirname(path);
  const models = new Map(
    Object.entries(parsed.data.models).map(([name, entry]) => {
      const source = 'dir' in entry.source && !isAbsolute(entry.source.dir) ? { dir: resolve(base, entry.source.dir) } : entry.source;
      return [name, { ...entry, source }] as const;
    }),
  );
  return { origin: path, models, routing: parsed.data.routing };
}

/**
 * A one-model registry, for MODEL_DIR or MODEL_ID (the settings of a single-model deployment): the model
 * is named after its folder or Hub id and is `stable`, taking all traffic.
 */
export function singleModelRegistry(source: ModelSource, origin: string): Registry {
  const raw = 'dir' in source ? source.dir.replace(/\/+$/, '').split('/').pop()! : 'hub' in source ? source.hub.split('/').pop()! : source.shipped;
  const clean = raw.toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/^[^a-z0-9]+/, '');
  // At most 41 characters, cut at a separator when there is one (`…-sst-2-english` → `…-sst-2`).
  const cut = clean.length <= 41 ? clean : clean.slice(0, 41).replace(/[-._][^-._]*$/, '') || clean.slice(0, 41);
  const name = cut || 'model';
  return { origin, models: new Map([[name, { source }]]), routing: Routing.parse({ aliases: { stable: name }, split: { stable: 100 } }) };
}
