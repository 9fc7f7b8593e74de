import { createServer, Server, Socket } from 'node:net';

/**
 * A stand-in for a Redis 6 server, which this machine does not have: it answers INFO with its
 * version and refuses `EXPIRE … NX` as Redis 6 does ("wrong number of arguments").
 */
export class FakeOldRedis {
  private readonly server: Server = createServer((socket) => this.serve(socket));

  constructor(private readonly version = '6.2.14') {}

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let command = takeCommand(); command; command = takeCommand()) socket.write(this.answer(command));
    });
    // RESP: *<n>\r\n then n times $<len>\r\n<bytes>\r\n
    function takeCommand(): string[] | undefined {
      const lines = buffered.split('\r\n');
      if (!lines[0]?.startsWith('*')) return undefined;
      const count = Number(lines[0].slice(1));
      if (lines.length < 2 + count * 2) return undefined;
      const args = Array.from({ length: count }, (_, i) => lines[2 + i * 2]);
      buffered = lines.slice(1 + count * 2).join('\r\n');
      return args;
    }
  }

  private answer([name, ...args]: string[]): string {
    switch (name.toUpperCase()) {
      case 'INFO': {
        const info = `# Server\r\nredis_version:${this.version}\r\nloading:0\r\n`;
        return `$${info.length}\r\n${info}\r\n`;
      }
      case 'EXPIRE':
        return args.length > 2 ? "-ERR wrong number of arguments for 'expire' command\r\n" : ':0\r\n';
      default:
        return '+OK\r\n';
    }
  }
}
