// The cheapest Express service: a JSON body parsed and a JSON answer, nothing else. bench:pipeline measures
// it at concurrency 64 for the CPU an Express request costs on this machine before any work. Prints its port.
import express from 'express';

const app = express();
app.use(express.json());
app.post('/predict', (_req, res) => {
  res.json({ id: '3f0c2a9e-1f7a-4c55-9d8e-4a0b1c2d3e4f', sentiment: 'positive', confidence: 0.9, model_version: 'floor', cache_hit: false });
});
const server = app.listen(0, '127.0.0.1', () => console.log((server.address() as { port: number }).port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
