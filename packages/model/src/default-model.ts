import { fileURLToPath } from 'node:url';

/** Absolute path of the model shipped with this package, so apps need not know the repo layout. */
export const defaultModelDir = fileURLToPath(new URL('../models/sentiment-sst2-v1', import.meta.url));
