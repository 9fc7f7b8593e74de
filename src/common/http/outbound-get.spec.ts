import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HostResolver, isPublicAddress, outboundGet } from './outbound-get';

describe('isPublicAddress', () => {
  it.each([
    ['93.184.216.34', true],
    ['2606:2800:220:1:248:1893:25c8:1946', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['not-an-ip', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('outboundGet', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** A resolver that answers `address` for every name: a public-looking name pointed at this machine. */
  const resolvingTo =
    (...addresses: string[]): HostResolver =>
    (_hostname, callback) =>
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
  const options = { maxBytes: 1024, timeoutMs: 2000, allowPrivate: false };

  it('refuses a host name that resolves to a loopback address, at connection time', async () => {
    await expect(outboundGet(new URL(`http://keys.example.com:${port}/jwks`), { ...options, resolve: resolvingTo('127.0.0.1') })).rejects.toThrow(
      'resolves to a private or loopback address',
    );
  });

  it('refuses a name when any of its addresses is private', async () => {
    await expect(
      outboundGet(new URL(`http://keys.example.com:${port}/jwks`), { ...options, resolve: resolvingTo('93.184.216.34', '10.0.0.7') }),
    ).rejects.toThrow('private or loopback');
  });

  it('refuses a private address literal before connecting', async () => {
    await expect(outboundGet(new URL(`http://127.0.0.1:${port}/jwks`), options)).rejects.toThrow('names a private or loopback address');
    await expect(outboundGet(new URL(`http://[::ffff:127.0.0.1]:${port}/jwks`), options)).rejects.toThrow('names a private or loopback address');
  });

  it('reaches the same server when private addresses are allowed (development)', async () => {
    const response = await outboundGet(new URL(`http://keys.example.com:${port}/jwks`), { ...options, allowPrivate: true, resolve: resolvingTo('127.0.0.1') });
    expect(response.status).toBe(200);
  });

  it('refuses an answer over the size limit', async () => {
    await expect(outboundGet(new URL(`http://127.0.0.1:${port}/`), { ...options, allowPrivate: true, maxBytes: 4 })).rejects.toThrow('larger than 4 bytes');
  });
});
