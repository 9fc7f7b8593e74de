import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of the database that a test can cut: `refuse` closes every connection and
 * refuses new ones; `blackhole` accepts connections but forwards nothing; `restore` heals it.
 * `partition` is a network partition: open connections stay open and silent (no reset, nothing
 * forwarded either way), and `heal` lets the held bytes through as if the network came back.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private mode: 'forward' | 'blackhole' = 'forward';
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => client.destroy());
      if (this.mode === 'blackhole') return; // hold the connection, answer nothing
      const upstream = new Socket();
      this.sockets.add(upstream);
      upstream.on('close', () => (this.sockets.delete(upstream), client.destroy()));
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      const pair = { client, upstream };
      upstream.once('close', () => this.pairs.delete(pair));
      upstream.connect(this.targetPort, this.targetHost, () => {
        this.pairs.add(pair);
        if (this.mode === 'forward') connectPair(pair);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this.port;
  }

  /** Drops every connection and stops listening: new connections are refused. */
  async refuse(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    this.server = undefined;
  }

  /** Drops every connection; new ones are accepted and then ignored. */
  blackhole(): void {
    this.mode = 'blackhole';
    this.dropAll();
  }

  /** Holds every open connection silent, and ignores new ones, until heal(). */
  partition(): void {
    this.mode = 'blackhole';
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Ends a partition: the held connections move their bytes again. */
  heal(): void {
    this.mode = 'forward';
    for (const pair of this.pairs) connectPair(pair);
  }

  async restore(): Promise<void> {
    this.dropAll();
    this.mode = 'forward';
    if (!this.server) await this.start(this.port);
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.pairs.clear();
  }
}

function connectPair({ client, upstream }: { client: Socket; upstream: Socket }): void {
  client.pipe(upstream);
  upstream.pipe(client);
}
