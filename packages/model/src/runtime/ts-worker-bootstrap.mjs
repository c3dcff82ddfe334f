// Worker entry when this package runs from TypeScript source (tsx CLI, vitest). Node 20 does not carry
// the parent's --import loaders (tsx) into worker threads, so the thread loads the .ts entry through tsx.
// tsx's CommonJS API rather than its ESM one (tsImport): the ESM API registers module hooks, and Node 20
// runs those in an extra hooks thread per worker (tsx loaded again in each); the CommonJS hooks run
// in the thread itself. The entry's ESM dependencies (transformers.js) load through require(esm)
// (Node >= 20.19), so nothing the thread imports may use top-level await.
// Plain JavaScript on purpose: it must start before any TypeScript loader exists.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
createRequire(import.meta.url)('./classifier-worker.ts');
