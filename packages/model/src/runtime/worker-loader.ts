// Which file a classifier thread starts from: compiled output runs its .js entry directly; from TypeScript
// source (tsx, vitest) the thread starts from a small .mjs bootstrap that loads the .ts entry via tsx.
export function workerEntry(): URL {
  const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');
  return new URL(fromSource ? './ts-worker-bootstrap.mjs' : './classifier-worker.js', import.meta.url);
}
