// Imported first by the classifier thread's entry, for its side effect; nothing else imports it.
// transformers.js imports onnxruntime-web next to onnxruntime-node (backends/onnx.js) and only uses it in
// browsers; loading it costs every classifier thread memory for nothing. An `import` of a CommonJS module that is
// already in require.cache gets the cached exports, so an empty, loaded entry stands in for it. If that
// ever stopped working, the thread would just load the real module again.
import Module, { createRequire } from 'node:module';

function skipOnnxruntimeWeb(): void {
  let file: string;
  try {
    // Resolved from transformers.js itself, so it is the copy its backends/onnx.js would load.
    const transformers = createRequire(import.meta.url).resolve('@xenova/transformers');
    file = createRequire(transformers).resolve('onnxruntime-web');
  } catch {
    return; // not installed: nothing to skip
  }
  const require = createRequire(import.meta.url);
  if (require.cache[file]) return;
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  require.cache[file] = stub;
}

skipOnnxruntimeWeb();
