// Worker-thread entry of createThreadedClassifier: loads its own classifier and answers predict requests,
// so tokenization and inference never run on the caller's event loop.
import './skip-onnxruntime-web.js'; // first: before transformers.js loads
import { parentPort, workerData } from 'node:worker_threads';
import { loadClassifier, type LocalClassifier } from '../load-classifier.js';
import { ModelLoadError } from '../model-load-error.js';
import { lowerThreadPriority } from '@sentiment/core';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

async function serve(setup: WorkerSetup): Promise<void> {
  const port = parentPort!;
  const send = (message: FromWorker) => port.postMessage(message);
  // Before the model loads, so onnxruntime's threads inherit it.
  lowerThreadPriority(setup.niceness);
  let classifier: LocalClassifier;
  try {
    classifier = await loadClassifier(setup.options);
  } catch (error) {
    const e = error as Error;
    send(
      error instanceof ModelLoadError
        ? { type: 'load-error', message: e.message, where: error.where, problem: error.problem }
        : { type: 'load-error', message: e.message ?? String(error) },
    );
    return;
  }
  port.on('message', async (message: ToWorker) => {
    if (message.type === 'close') {
      await classifier.close();
      port.close(); // nothing else keeps the thread alive, so it exits
      return;
    }
    try {
      send({ type: 'result', id: message.id, predictions: await classifier.predict(message.texts) });
    } catch (error) {
      send({ type: 'error', id: message.id, message: (error as Error).message ?? String(error) });
    }
  });
  send({ type: 'ready', info: classifier.info });
}

const setup = workerData as WorkerSetup | undefined;
if (parentPort && setup?.kind === 'sentiment-classifier') void serve(setup);
