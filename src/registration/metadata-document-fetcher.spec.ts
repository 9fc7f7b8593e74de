import { freshnessSeconds, isPublicAddress } from './metadata-document-fetcher';

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
