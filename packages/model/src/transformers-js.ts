// The only file that imports @xenova/transformers: tokenizers and Hub file resolution.
// Only the modules we use, not the package root: the root also loads pipelines, models and image/audio
// processors (sharp), which cost every classifier thread memory for nothing.
import path from 'node:path';
import type { AutoTokenizer as AutoTokenizerType, env as envType } from '@xenova/transformers';
// @ts-expect-error: untyped deep import (typed through the root's declarations below)
import { env as untypedEnv } from '@xenova/transformers/src/env.js';
// @ts-expect-error: untyped deep import
import { AutoTokenizer as UntypedAutoTokenizer } from '@xenova/transformers/src/tokenizers.js';
// getModelFile is the library's own local-folder → cache → Hub resolution; it is not re-exported at the root.
// @ts-expect-error: untyped deep import
import { getModelFile } from '@xenova/transformers/src/utils/hub.js';
import { chunkedEncoder } from './runtime/chunked-encoder.js';

const env: typeof envType = untypedEnv;
const AutoTokenizer: typeof AutoTokenizerType = UntypedAutoTokenizer;

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
  /** True when encode uses the word-memoised BERT path instead of the library's encode per text. */
  readonly fastPath?: boolean;
}

export interface TokenizerOptions {
  /** false: always the library's own encode (the word-memoised fast path is for comparison in tests). */
  fast?: boolean;
}

export async function loadTokenizer(
  source: ModelSource,
  maxLength?: number,
  { fast = true }: TokenizerOptions = {},
): Promise<WordPieceTokenizer> {
  const { id, options } = resolve(source);
  const tokenizer = await AutoTokenizer.from_pretrained(id, options);
  const limit = Math.min(maxLength ?? tokenizer.model_max_length ?? 512, tokenizer.model_max_length ?? Infinity);
  const padId = tokenizer.pad_token_id ?? 0;
  // BERT normalisation folds whitespace runs and no token covers more than 100 characters (WordPiece's
  // max word length), so cutting a collapsed text at limit × 101 characters cannot change its first `limit` tokens.
  const charBudget = limit * 101;
  const bound = (text: string) => (text.length > charBudget ? text.replace(/\s+/g, ' ').slice(0, charBudget) : text);
  const slowEncode = (text: string): number[] => {
    const ids: number[] = tokenizer.encode(bound(text));
    if (ids.length <= limit) return ids;
    return [...ids.slice(0, limit - 1), ids[ids.length - 1]!];
  };
  const fastEncode = fast ? fastBertEncoder(tokenizer, limit, slowEncode) : undefined;
  return { padId, maxLength: limit, encode: fastEncode ?? slowEncode, fastPath: fastEncode !== undefined };
}

// Texts whose tokens exercise every normalisation step; the fast path is only used if it matches on all.
const PROBES = [
  'Hello, World!  It\'s   a "test"\tof\nthe fast path...',
  'Café naïve résumé ÉCOLE Ωμέγα ΣΊΣΥΦΟΣ straße İstanbul',
  '東京は晴れ 中文字符 mixed東京text',
  'zero\u200bwidth soft\u00adhyphen nbsp\u00a0space ctrl\u0007char \ufffd',
  'emoji 😀👍🏽 and [SEP] [CLS]inside [UNK] tokens, unaffordable antidisestablishmentarianism',
  `${'x'.repeat(150)} a-b_c/d\\e 3.14 $5 50% (parens) <tags>`,
];

/**
 * Word-memoised encoder for BERT-pipeline tokenizers (see chunked-encoder.ts for why it is exact),
 * or undefined when the tokenizer is anything else or disagrees with the library on a probe text.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function fastBertEncoder(tokenizer: any, limit: number, slowEncode: (text: string) => number[]) {
  const bertPipeline =
    tokenizer.normalizer?.constructor?.name === 'BertNormalizer' &&
    tokenizer.pre_tokenizer?.constructor?.name === 'BertPreTokenizer' &&
    tokenizer.model?.constructor?.name === 'WordPieceTokenizer' &&
    !tokenizer.remove_space &&
    !tokenizer.do_lowercase_and_remove_accent &&
    !tokenizer.added_tokens.some((t: { content: string }) => /\s/.test(t.content));
  if (!bertPipeline) return undefined;
  const special: number[] = tokenizer.encode('');
  const content = (text: string): number[] => tokenizer.encode(text, null, { add_special_tokens: false });
  // The post-processor's template, found from a one-token text: prefix + [id] + suffix.
  const one = content('hello');
  const withSpecials: number[] = tokenizer.encode('hello');
  const at = withSpecials.indexOf(one[0]!);
  if (one.length !== 1 || at < 0 || withSpecials.length !== special.length + 1) return undefined;
  const encode = chunkedEncoder({
    encodeContent: content,
    prefix: special.slice(0, at),
    suffix: special.slice(at),
    maxLength: limit,
  });
  const agrees = PROBES.every((probe) => {
    const fast = encode(probe);
    const slow = slowEncode(probe);
    return fast.length === slow.length && fast.every((id, i) => id === slow[i]);
  });
  return agrees ? encode : undefined;
}
