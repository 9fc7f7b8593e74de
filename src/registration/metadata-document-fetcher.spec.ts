import { freshnessSeconds } from './metadata-document-fetcher';

describe('freshnessSeconds (RFC 9111)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads max-age', () => expect(freshnessSeconds('public, max-age=300', undefined, now)).toBe(300));
  it('makes no-store and no-cache stale at once', () => {
    expect(freshnessSeconds('no-store', undefined, now)).toBe(0);
    expect(freshnessSeconds('max-age=300, no-cache', undefined, now)).toBe(0);
  });
  it('falls back to Expires', () => expect(freshnessSeconds(undefined, 'Thu, 01 Jan 2026 00:10:00 GMT', now)).toBe(600));
  it('says nothing without either', () => expect(freshnessSeconds(undefined, undefined, now)).toBeNull());
});
