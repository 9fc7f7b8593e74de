import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What a metadata document may weigh (the draft suggests a small limit; 5 kB is its example). */
export const METADATA_DOCUMENT_MAX_BYTES = 5 * 1024;
export const METADATA_DOCUMENT_TIMEOUT_MS = 3000;
const MAX_REDIRECTS = 3;

/**
 * Why a document could not be had, in words for the error page (never the raw error). `transient`:
 * the site did not answer, or answered 5xx (RFC 5861 §4's errors), so a stale copy may serve; an
 * answer that says something about the document (4xx, too large, elsewhere, not JSON) is not.
 */
export class MetadataDocumentFetchError extends Error {
  constructor(
    message: string,
    readonly transient = false,
  ) {
    super(message);
  }
}

export interface FetchedDocument {
  readonly body: unknown;
  /** Seconds the answer may be reused (RFC 9111 §4.2: max-age, or Expires); 0 for no-store or no-cache. */
  readonly freshFor: number | null;
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

/**
 * A DNS lookup that refuses non-public addresses. It runs when the socket connects, so the address
 * checked is the address used (a name that resolves differently the second time cannot slip through).
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as { address: string; family: number }[];
    const refused = list.find((entry) => !isPublicAddress(entry.address));
    if (refused || list.length === 0) {
      return callback(new MetadataDocumentFetchError('the host resolves to a private or loopback address'), '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    return callback(null, list[0].address, list[0].family);
  });
};

/** RFC 9111 §5.2.2 / §5.3: how long the answer is fresh, or null when it says nothing. */
export function freshnessSeconds(cacheControl: string | undefined, expires: string | undefined, now = Date.now()): number | null {
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((part) => part.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return 0;
  const maxAge = directives.map((part) => /^max-age=(\d+)$/.exec(part)).find((match) => match);
  if (maxAge) return Number(maxAge[1]);
  if (expires) {
    const at = Date.parse(expires);
    if (!Number.isNaN(at)) return Math.max(0, Math.floor((at - now) / 1000));
  }
  return null;
}

/**
 * Fetches a Client ID Metadata Document: GET with a timeout and a size limit, no redirect to another
 * host, only public addresses unless `allowPrivate` (development). Errors are MetadataDocumentFetchError.
 */
export async function fetchMetadataDocument(url: URL, allowPrivate: boolean): Promise<FetchedDocument> {
  let target = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await get(target, allowPrivate);
    if (response.status >= 300 && response.status < 400 && response.location) {
      const next = new URL(response.location, target);
      if (next.origin !== url.origin) throw new MetadataDocumentFetchError('the document URL redirects to another host');
      target = next;
      continue;
    }
    if (response.status !== 200) throw new MetadataDocumentFetchError(`the document URL answered HTTP ${response.status}`, response.status >= 500);
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new MetadataDocumentFetchError('the document is not JSON');
    }
    return { body, freshFor: freshnessSeconds(response.cacheControl, response.expires) };
  }
  throw new MetadataDocumentFetchError('the document URL redirects too often');
}

interface RawResponse {
  readonly status: number;
  readonly location?: string;
  readonly cacheControl?: string;
  readonly expires?: string;
  readonly body: string;
}

function get(url: URL, allowPrivate: boolean): Promise<RawResponse> {
  if (!allowPrivate && isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0 && !isPublicAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
    return Promise.reject(new MetadataDocumentFetchError('the document URL names a private or loopback address'));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: MetadataDocumentFetchError) => {
      if (settled) return;
      settled = true;
      reject(error);
      req.destroy();
    };
    const tooLarge = () => fail(new MetadataDocumentFetchError(`the document is larger than ${METADATA_DOCUMENT_MAX_BYTES} bytes`));
    const req = send(
      url,
      { method: 'GET', headers: { accept: 'application/json' }, timeout: METADATA_DOCUMENT_TIMEOUT_MS, ...(allowPrivate ? {} : { lookup: publicOnlyLookup }) },
      (res: IncomingMessage) => {
        if (Number(res.headers['content-length'] ?? 0) > METADATA_DOCUMENT_MAX_BYTES) return tooLarge();
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > METADATA_DOCUMENT_MAX_BYTES) tooLarge();
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            cacheControl: res.headers['cache-control'],
            expires: res.headers.expires,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', () => fail(new MetadataDocumentFetchError('the document URL could not be read', true)));
      },
    );
    // The whole exchange, not only the idle time between packets, must end in time.
    const late = () => fail(new MetadataDocumentFetchError('the document URL did not answer in time', true));
    const deadline = setTimeout(late, METADATA_DOCUMENT_TIMEOUT_MS);
    req.on('timeout', late);
    req.on('error', (error) =>
      fail(error instanceof MetadataDocumentFetchError ? error : new MetadataDocumentFetchError('the document URL could not be reached', true)),
    );
    req.on('close', () => clearTimeout(deadline));
    req.end();
  });
}
