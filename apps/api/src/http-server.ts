import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ServerTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/**
 * Deliberate bounds instead of Node's defaults (a never-ending chunked body held a socket 318 s). Node
 * enforces the first two every 30 s (connectionsCheckingInterval), so a request may last up to 30 s more.
 */
export const SERVER_TIMEOUTS: ServerTimeouts = {
  /** All request headers must arrive within this. */
  headersTimeoutMs: 15_000,
  /** The whole request, body included (the largest valid body is a few MB). */
  requestTimeoutMs: 60_000,
  /** Longer than the 60 s idle timeout of common load balancers, so they close first and never reuse a closed socket. */
  keepAliveTimeoutMs: 65_000,
};

const STATUS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'bad_request', 'the request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'bad_request', 'the request did not arrive in time'],
};

/**
 * Timeouts, and the JSON error shape for requests Node refuses before Express sees them (a malformed
 * request line, headers too large, a request too slow), which Node would answer as bare text.
 */
export function hardenServer(server: Server, timeouts: ServerTimeouts = SERVER_TIMEOUTS): void {
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, reason, code, message] = STATUS[err.code ?? ''] ?? [400, 'Bad Request', 'bad_request', 'the request is not valid HTTP'];
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
