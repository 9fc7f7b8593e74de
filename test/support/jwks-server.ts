import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** A client's jwks_uri on this machine: it serves `keys` at every path and counts the fetches. */
export interface JwksServer {
  /** What the next fetch gets; a test replaces it as the client rotates its keys. */
  keys: JWK[];
  /** How many times the set was fetched; a test may reset it. */
  fetches: number;
  /** http://`host`:PORT`path`: 127.0.0.1 unless a test names the loopback another way. */
  uri(path?: string, host?: string): string;
  close(): Promise<void>;
}

/** Starts a JwksServer on a free port of 127.0.0.1; the caller closes it. */
export async function startJwksServer(keys: JWK[] = []): Promise<JwksServer> {
  const server = createServer((_req, res) => {
    jwks.fetches += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: jwks.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const jwks: JwksServer = {
    keys,
    fetches: 0,
    uri: (path = '/jwks', host = '127.0.0.1') => `http://${host}:${port}${path}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return jwks;
}
