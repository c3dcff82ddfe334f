// The naive baseline: what a first version of this service would be. One Express process runs the model
// in-process for each request (no worker threads, no queue, no micro-batching) and writes one row per
// prediction with its own INSERT through MikroORM. Started by bench/naive/compare.ts, not a product.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import express from 'express';
import { DEFAULT_DATABASE_URL, initOrm, PredictionSchema } from '@sentiment/db';
import { defaultModelDir, loadClassifier } from '@sentiment/model';

const env = {
  port: Number(process.env.PORT ?? 3100),
  modelDir: process.env.MODEL_DIR ?? defaultModelDir,
  databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  schema: process.env.DATABASE_SCHEMA,
  // onnxruntime's own default is one thread per core: what a first version that sets nothing gets.
  intraOpThreads: Number(process.env.INTRA_OP_THREADS ?? os.availableParallelism()),
};

const classifier = await loadClassifier({ modelDir: env.modelDir, intraOpThreads: env.intraOpThreads });
const orm = await initOrm({ clientUrl: env.databaseUrl, schema: env.schema });

const app = express();
app.use(express.json());
app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
app.post('/predict', async (req, res) => {
  const text: unknown = req.body?.text;
  if (typeof text !== 'string' || text.trim() === '') {
    res.status(400).json({ error: { code: 'validation_error', message: 'text must be a non-empty string' } });
    return;
  }
  const started = performance.now();
  const [prediction] = await classifier.predict([text]);
  const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
  const row = {
    id: randomUUID(),
    timestamp: new Date(),
    inputText: text,
    predictedSentiment: prediction!.label,
    confidenceScore: prediction!.confidence,
    latencyMs,
    modelVersion: classifier.info.version,
    cacheHit: false,
    jobId: randomUUID(),
    itemIndex: 0,
  };
  await orm.em.fork().insert(PredictionSchema, row);
  res.json({ id: row.id, sentiment: row.predictedSentiment, confidence: row.confidenceScore, latency_ms: latencyMs, model_version: row.modelVersion, cache_hit: false });
});

const server = app.listen(env.port, '127.0.0.1', () => console.log(`naive server on :${env.port} (${classifier.info.version}, ${env.intraOpThreads} intra-op threads)`));
process.once('SIGTERM', () => {
  server.close();
  void Promise.all([classifier.close(), orm.close()]).then(() => process.exit(0));
});
