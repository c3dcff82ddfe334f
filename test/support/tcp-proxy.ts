// A TCP relay that can be cut, frozen and restored: a real network outage between one process and
// Postgres or Redis without stopping the shared server the other test files use.
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Drop every open connection and refuse new ones (as if the server went away). */
  cut(): Promise<void>;
  /**
   * Stop forwarding while keeping every socket open, and accept new connections without answering
   * (a paused container, a failover, a blackholed network): nothing fails, nothing answers.
   */
  freeze(): void;
  /** Undo cut() or freeze(): forward again (bytes held while frozen are delivered then). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const held = new Set<net.Socket>();
  let frozen = false;
  let port = 0;

  function relay(client: net.Socket): void {
    const upstream = net.connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  const listen = () =>
    new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer((client) => {
        if (!frozen) return relay(client);
        // Accepted, then silence: connected upstream only when thawed.
        client.pause();
        held.add(client);
        sockets.add(client);
        client.once('close', () => {
          held.delete(client);
          sockets.delete(client);
        });
        client.on('error', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  let server: net.Server | undefined = await listen();
  port = (server.address() as net.AddressInfo).port;
  const shut = async () => {
    for (const s of sockets) s.destroy();
    if (server) await new Promise((r) => server!.close(r));
    server = undefined;
  };
  return {
    port,
    cut: shut,
    freeze() {
      frozen = true;
      // Paused sockets are not read: bytes stay in the kernel buffers, so nothing is forwarded either way.
      for (const s of sockets) s.pause();
    },
    async restore() {
      if (frozen) {
        frozen = false;
        for (const s of sockets) if (!held.has(s)) s.resume();
        for (const client of [...held]) {
          held.delete(client);
          sockets.delete(client);
          relay(client);
          client.resume();
        }
      }
      if (!server) server = await listen();
    },
    close: shut,
  };
}
