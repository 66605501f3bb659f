import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy for connection-loss tests: point a store at the proxy,
 * then `cut()` every open connection (the server keeps running, the client
 * sees its sockets die) or `pause()` to refuse new ones for a while. Never
 * stop a shared database server in a test; cut the wire instead.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private refusing = false;
  /** Connections accepted since start. */
  connections = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly listenPort = 0,
  ) {}

  /** Starts listening on 127.0.0.1 and returns the port. */
  async start(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
    return this.port;
  }

  get port(): number {
    const address = this.server?.address();
    if (!address || typeof address === 'string') throw new Error('TcpProxy is not started');
    return address.port;
  }

  /** Destroys every open connection, both sides. New connections are still accepted unless paused. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Cuts every connection and refuses new ones until `resume()`. */
  pause(): void {
    this.refusing = true;
    this.cut();
  }

  resume(): void {
    this.refusing = false;
  }

  async stop(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    this.connections++;
    const upstream = createConnection(this.target);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
