// Worker entry when this package runs from TypeScript source (tsx CLI, vitest). Node 20 does not carry
// the parent's --import loaders (tsx) into worker threads, so the thread loads the .ts entry through
// tsx's own API. Plain JavaScript on purpose: it must start before any TypeScript loader exists.
import { tsImport } from 'tsx/esm/api';

await tsImport(new URL('./classifier-worker.ts', import.meta.url).href, import.meta.url);
