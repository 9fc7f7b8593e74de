import { createServer, Server, Socket } from 'node:net';

/**
 * A stand-in for the Redis servers this machine does not have: it answers INFO with its version,
 * refuses `EXPIRE … NX` below version 7 as Redis 6 does ("wrong number of arguments"), and never
 * answers the commands named `unanswered` (a Redis that hangs).
 */
export class FakeRedis {
  private readonly server: Server = createServer((socket) => this.serve(socket));

  constructor(private readonly options: { readonly version: string; readonly unanswered?: readonly string[] }) {}

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
    const command = name.toUpperCase();
    if (this.options.unanswered?.includes(command)) return '';
    switch (command) {
      case 'INFO': {
        const info = `# Server\r\nredis_version:${this.options.version}\r\nloading:0\r\n`;
        return `$${info.length}\r\n${info}\r\n`;
      }
      case 'EXPIRE':
        return args.length > 2 && Number(this.options.version.split('.')[0]) < 7 ? "-ERR wrong number of arguments for 'expire' command\r\n" : ':0\r\n';
      default:
        return '+OK\r\n';
    }
  }
}
