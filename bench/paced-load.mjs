// Worker thread of bench:interactive: POST /predict at a fixed rate (open loop: one request every
// 1/rate s, whatever the answers do) until told to stop or `seconds` pass. Its own thread, so the main
// thread's work (sending a 10,000-text job, parsing its 1 MB result) cannot delay a send or a timestamp.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, rate, seconds, texts } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let stopped = false;
parentPort.on('message', (m) => {
  if (m === 'stop') stopped = true;
});

function post(text) {
  const body = JSON.stringify({ text });
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const began = performance.now();
const end = seconds === undefined ? Infinity : began + seconds * 1000;
const answers = [];
const inFlight = [];
let i = 0;
for (let next = began; !stopped && performance.now() < end && i < texts.length; next += 1000 / rate) {
  await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  const started = performance.now();
  inFlight.push(post(texts[i++]).then((status) => answers.push([started - began, performance.now() - started, status])));
}
await Promise.all(inFlight);
agent.destroy();
parentPort.postMessage(answers);
