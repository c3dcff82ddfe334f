// A model's text → token ids: its normalizer.json (when it has one) and then its tokenizer. Training encodes
// through this same function, so the ids a model learned from are the ids it is served.
import { loadTokenizer, type ModelSource, type WordPieceTokenizer } from '../transformers-js.js';
import { ModelFiles } from './model-files.js';
import { createNormalizer, type Normalizer, type NormalizerSpec } from './normalize-text.js';

export const NORMALIZER_FILE = 'normalizer.json';

/** The model's text normaliser, or undefined for models without normalizer.json (v1, Hub models). */
export async function loadNormalizer(files: ModelFiles): Promise<Normalizer | undefined> {
  if (!(await files.read(NORMALIZER_FILE))) return undefined;
  const spec = await files.readJson(NORMALIZER_FILE);
  try {
    return createNormalizer(spec as unknown as NormalizerSpec);
  } catch (error) {
    files.fail(`${NORMALIZER_FILE} ${(error as Error).message}`, error);
  }
}

export async function loadModelTokenizer(
  source: ModelSource,
  maxLength?: number,
  files: ModelFiles = new ModelFiles(source),
): Promise<WordPieceTokenizer> {
  const normalize = await loadNormalizer(files);
  const tokenizer = await loadTokenizer(source, maxLength);
  if (!normalize) return tokenizer;
  return { ...tokenizer, encode: (text: string) => tokenizer.encode(normalize(text)) };
}
