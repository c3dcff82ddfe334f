// Entry of the writer thread when this package runs from TypeScript source (tsx, vitest): Node 20 does not
// carry the parent's loaders into worker threads, so the thread loads thread.ts through tsx's CommonJS
// hooks (as packages/model/src/runtime/ts-worker-bootstrap.mjs does for the classifier threads).
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
createRequire(import.meta.url)('./thread.ts');
