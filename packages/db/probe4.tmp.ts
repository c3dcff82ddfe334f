import { initOrm, migrateUp } from './src/index.js';
import { PredictionSchema } from './src/prediction.entity.js';
import { randomUUID } from 'node:crypto';
const schema = 'p_' + Date.now();
const orm = await initOrm({ clientUrl: 'postgresql://postgres@127.0.0.1:5432/test', schema, poolMax: 6 });
await migrateUp(orm);
for (const size of [32, 256]) {
  const batches = Array.from({ length: Math.ceil(10000 / size) }, () => { const jobId = randomUUID(); return Array.from({ length: size }, (_, i) => ({ id: randomUUID(), timestamp: new Date(), inputText: 'some movie review text that is about this long ok', predictedSentiment: 'positive', confidenceScore: 0.9, latencyMs: 1, modelVersion: 'sentiment-sst2-v1+58a0602d', cacheHit: false, jobId, itemIndex: i })); });
  const t0 = process.cpuUsage(); const s = performance.now();
  for (const b of batches) { const em = orm.em.fork(); for (const r of b) em.create(PredictionSchema, r as any); await em.flush(); }
  const cpu = process.cpuUsage(t0);
  console.log('UoW flush', size, (10000 / ((performance.now() - s) / 1000)).toFixed(0), 'rows/s; node cpu ms', ((cpu.user + cpu.system) / 1000).toFixed(0));
}
await orm.em.getConnection().execute(`drop schema ${schema} cascade`); await orm.close();
