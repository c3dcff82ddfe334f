import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hardenServer } from '../src/http-server.js';

let server: http.Server;
let port: number;
beforeAll(async () => {
  // Reads the whole body before answering, as Express's body parser does. Node checks request timeouts
  // every connectionsCheckingInterval (30 s by default): short here so the test is quick.
  server = http.createServer({ connectionsCheckingInterval: 200 }, (req, res) => {
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  hardenServer(server, { headersTimeoutMs: 1000, requestTimeoutMs: 1000, keepAliveTimeoutMs: 5000 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Sends raw bytes and returns everything the server answered before closing. */
function raw(bytes: string, { end = true } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => (end ? socket.end(bytes) : socket.write(bytes)));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

const body = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

it('answers a malformed request line with a JSON 400, not bare text', async () => {
  const answer = await raw('NOT HTTP AT ALL\r\n\r\n');
  expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  expect(answer).toMatch(/content-type: application\/json/i);
  expect(body(answer)).toEqual({ error: { code: 'bad_request', message: 'the request is not valid HTTP' } });
});

it('answers headers past the limit with a JSON 431', async () => {
  const answer = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  expect(answer).toMatch(/^HTTP\/1\.1 431 /);
  expect(body(answer).error.code).toBe('bad_request');
});

it('does not hold a socket for a request that never finishes: JSON 408 once requestTimeout passes', async () => {
  const started = Date.now();
  const answer = await raw('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', { end: false });
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  expect(body(answer).error.code).toBe('bad_request');
  expect(Date.now() - started).toBeLessThan(10_000);
});
