import { createServer, Server, Socket } from 'node:net';
import type { TestDatabase } from './databases';

/**
 * A TCP proxy in front of the database that a test can cut: `refuse` closes every connection and
 * refuses new ones; `blackhole` accepts connections but forwards nothing; `restore` heals it.
 * `partition` is a network partition: open connections stay open and silent (no reset, nothing
 * forwarded either way), and `heal` lets the held bytes through as if the network came back.
 * `holdRepliesAfterCommit` is the narrowest partition: a connection that sends COMMIT gets it to
 * the database, then hears nothing back until `heal`, so the server cannot know whether its
 * transaction committed.
 */
type Pair = {
  client: Socket;
  upstream: Socket;
  /** What the server sent since its last COMMIT (latin1), and the transaction of a COMMIT not answered yet. */
  sent?: string;
  unansweredCommit?: string | null;
};

export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<Pair>();
  private partitioned = new Set<Pair>();
  private readonly held = new Set<Pair>();
  private commitTrap = false;
  private mode: 'forward' | 'blackhole' = 'forward';
  port = 0;
  /**
   * The transactions (what the server sent for each, up to its COMMIT) whose outcome the server
   * could not learn because of the last partition: COMMIT sent before it and unanswered, or held by
   * it and delivered when it healed. Each may have committed after its requests were answered 503
   * (the one window a rollback cannot close).
   */
  commitsInDoubt: string[] = [];

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
      const pair: Pair = { client, upstream };
      upstream.once('close', () => this.pairs.delete(pair));
      upstream.connect(this.targetPort, this.targetHost, () => {
        this.pairs.add(pair);
        if (this.mode === 'forward') connectPair(pair);
        upstream.on('data', () => (pair.unansweredCommit = null));
        client.on('data', (chunk: Buffer) => {
          pair.sent = ((pair.sent ?? '') + chunk.toString('latin1')).slice(-65_536);
          if (chunk.includes('COMMIT')) {
            pair.unansweredCommit = pair.sent;
            pair.sent = '';
          }
          // The COMMIT has been piped on to the database; its answer, and all after it, is held.
          if (!this.commitTrap || this.held.has(pair) || !chunk.includes('COMMIT')) return;
          upstream.unpipe(client);
          upstream.pause();
          this.held.add(pair);
        });
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
    this.partitioned = new Set([...this.pairs].filter((pair) => !this.held.has(pair)));
    this.commitsInDoubt = [...this.partitioned].flatMap((pair) => (pair.unansweredCommit ? [pair.unansweredCommit] : []));
    for (const { client, upstream } of this.partitioned) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Ends a partition: the held connections move their bytes again. */
  /** From now on, a connection that sends COMMIT hears nothing back until heal(). */
  holdRepliesAfterCommit(): void {
    this.commitTrap = true;
  }

  heal(): void {
    this.mode = 'forward';
    this.commitTrap = false;
    for (const pair of this.partitioned) {
      // What the server sent into the partition reaches the database now, as TCP retransmits it.
      for (let chunk: Buffer | null; (chunk = pair.client.read() as Buffer | null) !== null;) {
        pair.upstream.write(chunk);
        if (pair.unansweredCommit) this.commitsInDoubt.push(pair.unansweredCommit);
      }
      connectPair(pair);
    }
    for (const { client, upstream } of this.held) upstream.pipe(client);
    this.partitioned.clear();
    this.held.clear();
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
    this.partitioned.clear();
    this.held.clear();
  }
}

function connectPair({ client, upstream }: Pair): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

/**
 * A started proxy in front of the test database `db` (MariaDB or PostgreSQL), and the server
 * environment that reaches the database through it: what every fault spec sets up first.
 */
export async function proxiedDatabase(db: TestDatabase): Promise<{ proxy: TcpProxy; env: Record<string, string> }> {
  const database = db.database as { host: string; port: number };
  const proxy = new TcpProxy(database.host, database.port);
  const port = await proxy.start();
  return { proxy, env: { ...db.env, DB_HOST: '127.0.0.1', DB_PORT: String(port) } };
}
