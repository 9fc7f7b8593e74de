import { outboundGet, OutboundGetError, type OutboundResponse } from '../common/http/outbound-get';

/** What a metadata document may weigh (the draft suggests a small limit; 5 kB is its example). */
export const METADATA_DOCUMENT_MAX_BYTES = 5 * 1024;
export const METADATA_DOCUMENT_TIMEOUT_MS = 3000;
const MAX_REDIRECTS = 3;

/**
 * Why a document could not be had, in words for the error page (never the raw error). `transient`:
 * the site did not answer, or answered 5xx (RFC 5861 §4's errors), so a stale copy may serve; an
 * answer that says something about the document (4xx, too large, elsewhere, not JSON) is not.
 */
export class MetadataDocumentFetchError extends OutboundGetError {}

export interface FetchedDocument {
  readonly body: unknown;
  /** Seconds the answer may be reused (RFC 9111 §4.2: max-age, or Expires); 0 for no-store or no-cache. */
  readonly freshFor: number | null;
}

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
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, target);
      if (next.origin !== url.origin) throw new MetadataDocumentFetchError('the document URL redirects to another host');
      target = next;
      continue;
    }
    if (response.status !== 200) throw new MetadataDocumentFetchError(`the document URL answered HTTP ${response.status}`, response.status >= 500);
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new MetadataDocumentFetchError('the document is not JSON');
    }
    return { body, freshFor: freshnessSeconds(response.headers['cache-control'], response.headers.expires) };
  }
  throw new MetadataDocumentFetchError('the document URL redirects too often');
}

/** One hop, its failures worded for the error page ("the document URL did not answer in time"). */
async function get(url: URL, allowPrivate: boolean): Promise<OutboundResponse> {
  try {
    return await outboundGet(url, {
      maxBytes: METADATA_DOCUMENT_MAX_BYTES,
      timeoutMs: METADATA_DOCUMENT_TIMEOUT_MS,
      allowPrivate,
      headers: { accept: 'application/json' },
    });
  } catch (error) {
    if (error instanceof OutboundGetError) throw new MetadataDocumentFetchError(`the document URL ${error.message}`, error.transient);
    throw error;
  }
}
