// The only file that imports @xenova/transformers: tokenizers and Hub file resolution.
import path from 'node:path';
import { AutoTokenizer, env } from '@xenova/transformers';
// getModelFile is the library's own local-folder → cache → Hub resolution; it is not re-exported at the root.
// @ts-expect-error: untyped deep import
import { getModelFile } from '@xenova/transformers/src/utils/hub.js';

/** Where a model comes from: a local folder in HF layout, or a Hub id (cache first, remote only if allowed). */
export type ModelSource = { modelDir: string } | { modelId: string; cacheDir?: string; allowRemote?: boolean };

interface Resolved {
  id: string;
  options: { cache_dir?: string; local_files_only: boolean };
}

function resolve(source: ModelSource): Resolved {
  // Local folders are addressed from the filesystem root, so loads of different folders never race on env.
  env.localModelPath = '/';
  env.allowLocalModels = true;
  if ('modelDir' in source) {
    env.allowRemoteModels = false;
    return { id: path.resolve(source.modelDir).slice(1), options: { local_files_only: true } };
  }
  env.allowRemoteModels = source.allowRemote ?? false;
  if (source.cacheDir) env.cacheDir = source.cacheDir;
  return {
    id: source.modelId,
    options: { cache_dir: source.cacheDir, local_files_only: !(source.allowRemote ?? false) },
  };
}

/** Reads one file of the model (e.g. `onnx/model.onnx`); undefined when it does not exist. */
export async function readModelFile(source: ModelSource, file: string): Promise<Uint8Array | undefined> {
  const { id, options } = resolve(source);
  const bytes: Uint8Array | null = await getModelFile(id, file, false, options);
  return bytes ?? undefined;
}

export interface WordPieceTokenizer {
  /** Token ids with special tokens, truncated to `maxLength` (the closing special token is kept). */
  encode(text: string): number[];
  readonly padId: number;
  readonly maxLength: number;
}

export async function loadTokenizer(source: ModelSource, maxLength?: number): Promise<WordPieceTokenizer> {
  const { id, options } = resolve(source);
  const tokenizer = await AutoTokenizer.from_pretrained(id, options);
  const limit = Math.min(maxLength ?? tokenizer.model_max_length ?? 512, tokenizer.model_max_length ?? Infinity);
  const padId = tokenizer.pad_token_id ?? 0;
  // BERT normalisation folds whitespace runs and no token covers more than 100 characters (WordPiece's
  // max word length), so cutting a collapsed text at limit × 101 characters cannot change its first `limit` tokens.
  const charBudget = limit * 101;
  const bound = (text: string) => (text.length > charBudget ? text.replace(/\s+/g, ' ').slice(0, charBudget) : text);
  return {
    padId,
    maxLength: limit,
    encode(text: string): number[] {
      const ids: number[] = tokenizer.encode(bound(text));
      if (ids.length <= limit) return ids;
      return [...ids.slice(0, limit - 1), ids[ids.length - 1]!];
    },
  };
}
