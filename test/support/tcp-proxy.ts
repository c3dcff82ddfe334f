// A TCP relay that can be cut and restored: a real network outage between one process and Postgres
// without stopping the shared server the other test files use.
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Drop every open connection and refuse new ones (as if the server went away). */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let port = 0;
  const listen = () =>
    new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer((client) => {
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
    async restore() {
      if (!server) server = await listen();
    },
    close: shut,
  };
}
