/** Input limits shared by the API's validators and the worker's payload check. */
export const MAX_TEXT_CHARS = 5000;
export const MAX_BATCH_TEXTS = 100;
export const MAX_JOB_TEXTS = 10_000;

/**
 * The largest JSON body a request of `texts` texts can need: every character escaped as `\uXXXX`
 * (6 bytes), quotes and commas, plus 1 KB for the keys around them. /predict: ~30 KB, /batch: ~3 MB.
 */
export function maxJsonBytes(texts: number): number {
  return texts * (MAX_TEXT_CHARS * 6 + 3) + 1024;
}
