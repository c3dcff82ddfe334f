import { z } from 'zod';
import { DEFAULT_MODELS_FILE, readModelsFile, RegistryError, singleModelRegistry, type Registry } from './models-file.js';

/** The settings that say which models a deployment serves: the API and the workers read the same ones. */
export const RegistryEnv = z.object({
  MODELS_FILE: z.string().optional().describe('The model registry (JSON): the models served, their sources and settings, aliases and the initial routing. Default: the repository\'s `models.json` (both shipped models; `sentiment-multi-v2` is `stable`).'),
  MODEL_DIR: z.string().optional().describe('Serve one local Hugging Face-layout model folder instead of a registry (named after the folder, alias `stable`).'),
  MODEL_ID: z.string().optional().describe('Serve one Hugging Face Hub model instead of a registry (named after the id\'s last part, alias `stable`).'),
  MODEL_CACHE_DIR: z.string().optional().describe("Where `MODEL_ID`'s files are cached."),
});
export type RegistryEnv = z.infer<typeof RegistryEnv>;

/**
 * The registry the environment selects: MODEL_DIR or MODEL_ID (one model), else MODELS_FILE, else the
 * repository's models.json. Problems go to `problems` (reported with the program's other settings).
 */
export function registryFromEnv(e: RegistryEnv, problems: string[]): Registry | undefined {
  const set = (['MODELS_FILE', 'MODEL_DIR', 'MODEL_ID'] as const).filter((k) => e[k] !== undefined);
  if (set.length > 1) {
    problems.push(`${set.join(', ')}: set one of them, not several`);
    return undefined;
  }
  if (e.MODEL_DIR) return singleModelRegistry({ dir: e.MODEL_DIR }, 'MODEL_DIR');
  if (e.MODEL_ID) return singleModelRegistry({ hub: e.MODEL_ID, ...(e.MODEL_CACHE_DIR && { cacheDir: e.MODEL_CACHE_DIR }) }, 'MODEL_ID');
  try {
    return readModelsFile(e.MODELS_FILE ?? DEFAULT_MODELS_FILE);
  } catch (err) {
    if (!(err instanceof RegistryError)) throw err;
    problems.push(`MODELS_FILE: ${err.message}`);
    return undefined;
  }
}
