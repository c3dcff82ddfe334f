import { fileURLToPath } from 'node:url';

/** The package folder: this file is src/default-model.ts, or dist/src/default-model.js once built. */
const packageRoot = new URL(import.meta.url.includes('/dist/src/') ? '../../' : '../', import.meta.url);

/** The models shipped with this package, so apps need not know the repo layout. */
export const shippedModelDir = (name: string) => fileURLToPath(new URL(`models/${name}`, packageRoot));

/** Three classes, multi-domain (tweets, reviews, comments): what `npm start` serves. */
export const defaultModelDir = shippedModelDir('sentiment-multi-v2');

/** The first model: binary, movie reviews only (kept to compare with and for its own recipe). */
export const sst2V1ModelDir = shippedModelDir('sentiment-sst2-v1');
