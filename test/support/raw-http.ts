import { connect, Socket } from 'node:net';

export interface RawAnswer {
  /** The status of the first response, or undefined when the connection ended without one. */
  readonly status?: number;
  readonly head: string;
  readonly body: string;
  /** How the connection ended: closed by the server, reset, or still open when we gave up. */
  readonly ending: 'closed' | 'reset' | 'open';
  readonly elapsedMs: number;
}

export interface RawRequest {
  /** Request line and headers, without the blank line. */
  readonly head: string;
  /** Sent after the blank line, in order, each after the previous write was accepted. */
  readonly chunks?: readonly (string | Buffer)[];
  /** A pause before each chunk (a slow client). */
  readonly pauseMs?: number;
  /** Give up waiting after this long (a stalled body the server never answers). */
  readonly waitMs: number;
}

/**
 * Speaks HTTP/1.1 over a raw TCP socket, so a test can send what no HTTP client library sends:
 * a body shorter than its Content-Length, a chunked body that never ends, a body still uploading
 * when the answer comes. Resolves with the first response seen, however the connection ends.
 */
export function rawHttp(url: string, request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let settled = false;
    const finish = (ending: RawAnswer['ending']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head ?? '')?.[1];
      resolve({ status: status ? Number(status) : undefined, head: head ?? '', body: rest.join('\r\n\r\n'), ending, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish('open'), request.waitMs);
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'closed'));
    socket.on('connect', async () => {
      const write = (data: string | Buffer) => new Promise<void>((done) => socket.write(data, () => done()));
      await write(`${request.head}\r\n\r\n`);
      for (const chunk of request.chunks ?? []) {
        if (request.pauseMs) await new Promise((done) => setTimeout(done, request.pauseMs));
        if (settled || socket.destroyed) return;
        await write(chunk);
      }
    });
  });
}
