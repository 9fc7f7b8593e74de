import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * GET requests this server makes to addresses its clients name (a Client ID Metadata Document, a
 * `jwks_uri`): a deadline for the whole exchange, a size limit, and only public addresses, checked
 * when the socket connects. Anyone who can register a client must not be able to make this server
 * read its own network (SSRF: the cloud metadata service, an admin port, a database).
 */

/** Why a request failed, in words fit for a page or an error description (never the raw error). */
export class OutboundGetError extends Error {
  /** `transient`: no answer, or it came too late (RFC 5861 §4's errors); another try may succeed. */
  constructor(
    message: string,
    readonly transient = false,
  ) {
    super(message);
  }
}

/** Addresses a server on the internet never has: loopback, private, link-local, CGNAT, unique local, multicast, unspecified. */
const NOT_PUBLIC = new BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  NOT_PUBLIC.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(prefix, bits, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  // An IPv4-mapped IPv6 address reaches the IPv4 address it maps (BlockList would match every IPv4 address against ::ffff:0:0/96).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]);
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Resolves a host name to all its addresses (node:dns lookup's shape); tests pass their own. */
export type HostResolver = (hostname: string, callback: (error: Error | null, addresses: readonly { address: string; family: number }[]) => void) => void;

const systemResolver: HostResolver = (hostname, callback) => dnsLookup(hostname, { all: true }, (error, addresses) => callback(error, error ? [] : addresses));

/**
 * A socket lookup that refuses non-public addresses. It runs when the socket connects, so the
 * address checked is the address used (a name that resolves differently the second time cannot slip through).
 */
export function publicOnlyLookup(resolve: HostResolver = systemResolver, allowPrivate = false): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (error, list) => {
      if (error) return callback(error, '', 0);
      const wanted = options.family === 4 || options.family === 6 ? list.filter((entry) => entry.family === options.family) : list;
      if (wanted.length === 0 || (!allowPrivate && wanted.some((entry) => !isPublicAddress(entry.address)))) {
        return callback(new OutboundGetError('resolves to a private or loopback address'), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: typeof wanted) => void)(null, wanted);
      return callback(null, wanted[0].address, wanted[0].family);
    });
  };
}

export interface OutboundGetOptions {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Development (or an operator's own network): loopback and private addresses may be reached. */
  readonly allowPrivate: boolean;
  readonly headers?: Record<string, string>;
  /** The resolver behind the public-only check; the system's by default. */
  readonly resolve?: HostResolver;
}

export interface OutboundResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One GET, no redirect followed (the caller decides). Every failure is an OutboundGetError. */
export function outboundGet(url: URL, options: OutboundGetOptions): Promise<OutboundResponse> {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(literal) !== 0 && !isPublicAddress(literal)) {
    return Promise.reject(new OutboundGetError('names a private or loopback address'));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: OutboundGetError) => {
      if (settled) return;
      settled = true;
      reject(error);
      req.destroy();
    };
    const tooLarge = () => fail(new OutboundGetError(`sent an answer larger than ${options.maxBytes} bytes`));
    const req = send(
      url,
      {
        method: 'GET',
        headers: options.headers ?? {},
        timeout: options.timeoutMs,
        ...(options.allowPrivate && !options.resolve ? {} : { lookup: publicOnlyLookup(options.resolve, options.allowPrivate) }),
      },
      (res: IncomingMessage) => {
        if (Number(res.headers['content-length'] ?? 0) > options.maxBytes) return tooLarge();
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) tooLarge();
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', () => fail(new OutboundGetError('could not be read', true)));
      },
    );
    // The whole exchange, not only the idle time between packets, must end in time.
    const late = () => fail(new OutboundGetError('did not answer in time', true));
    const deadline = setTimeout(late, options.timeoutMs);
    req.on('timeout', late);
    req.on('error', (error) => fail(error instanceof OutboundGetError ? error : new OutboundGetError('could not be reached', true)));
    req.on('close', () => clearTimeout(deadline));
    req.end();
  });
}
