import { isRegisteredRedirectUri } from './redirect-uri-match';

describe('isRegisteredRedirectUri', () => {
  it.each([
    ['an identical URI', 'https://app.example.com/cb', ['https://app.example.com/cb'], true],
    ['another path', 'https://app.example.com/cb2', ['https://app.example.com/cb'], false],
    ['another port on a non-loopback host', 'https://app.example.com:8443/cb', ['https://app.example.com/cb'], false],
    ['a loopback IPv4 URI with any port (RFC 8252 §7.3)', 'http://127.0.0.1:51234/cb', ['http://127.0.0.1/cb'], true],
    ['a loopback IPv4 URI with another port than registered', 'http://127.0.0.1:51234/cb', ['http://127.0.0.1:8080/cb'], true],
    ['a loopback IPv6 URI with any port', 'http://[::1]:40000/cb', ['http://[::1]/cb'], true],
    ['a loopback URI with another path', 'http://127.0.0.1:51234/other', ['http://127.0.0.1/cb'], false],
    ['a loopback URI with another query', 'http://127.0.0.1:51234/cb?x=1', ['http://127.0.0.1/cb'], false],
    ['localhost with another port (not an IP literal)', 'http://localhost:51234/cb', ['http://localhost/cb'], false],
    ['https loopback with another port', 'https://127.0.0.1:51234/cb', ['https://127.0.0.1/cb'], false],
    ['a loopback URI normalised into a match', 'http://127.0.0.1:5000/a/../cb', ['http://127.0.0.1/cb'], false],
  ])('%s', (_case, requested, registered, expected) => {
    expect(isRegisteredRedirectUri(requested, registered)).toBe(expected);
  });
});
